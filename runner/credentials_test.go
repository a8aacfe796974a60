package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// clearKeys empties every vendor's key variables and the AWS SDK's, and
// gives the runner a fresh home directory holding files.
func clearKeys(t *testing.T, files map[string]string) string {
	t.Helper()
	for _, env := range credentialEnv {
		for _, names := range env {
			for _, n := range names {
				t.Setenv(n, "")
			}
		}
	}
	for _, n := range []string{"AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_WEB_IDENTITY_TOKEN_FILE"} {
		t.Setenv(n, "")
	}
	home := t.TempDir()
	for name, text := range files {
		p := filepath.Join(home, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("HOME", home)
	return home
}

const awsFiles = "[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = filesecret\n\n[ci]\naws_access_key_id = AKIACI\naws_secret_access_key = cisecret\n"

// Where the keys come from, first to last: --credentials, --profile, the
// environment, the vendor's own files.
func TestCredentialSources(t *testing.T) {
	t.Run("environment before the AWS files", func(t *testing.T) {
		clearKeys(t, map[string]string{".aws/credentials": awsFiles})
		t.Setenv("AWS_ACCESS_KEY_ID", "AKIAENV")
		t.Setenv("AWS_SECRET_ACCESS_KEY", "envsecret")
		wantKey(t, &liveFlags{vendor: "s3"}, "AKIAENV")
		// --profile names the profile, whatever the environment says.
		wantKey(t, &liveFlags{vendor: "s3", awsProfile: "ci"}, "AKIACI")
	})
	t.Run("the AWS files without environment", func(t *testing.T) {
		clearKeys(t, map[string]string{".aws/credentials": awsFiles})
		wantKey(t, &liveFlags{vendor: "scality"}, "AKIAFILE")
		t.Setenv("AWS_PROFILE", "ci")
		wantKey(t, &liveFlags{vendor: "s3"}, "AKIACI")
	})
	t.Run("a vendor's tool file", func(t *testing.T) {
		clearKeys(t, map[string]string{".bcecmd/credentials": "[Defaults]\nAk = bceak\nSk = bcesk\n"})
		wantKey(t, &liveFlags{vendor: "bos"}, "bceak")
		t.Setenv("BCE_ACCESS_KEY_ID", "bceenv")
		t.Setenv("BCE_SECRET_ACCESS_KEY", "bceenvsecret")
		wantKey(t, &liveFlags{vendor: "bos"}, "bceenv")
	})
	t.Run("--credentials before everything", func(t *testing.T) {
		home := clearKeys(t, map[string]string{"keys.txt": "access_key_id = FROMFILE\nsecret_access_key = x\n"})
		t.Setenv("AWS_ACCESS_KEY_ID", "AKIAENV")
		t.Setenv("AWS_SECRET_ACCESS_KEY", "envsecret")
		wantKey(t, &liveFlags{vendor: "s3", credentials: filepath.Join(home, "keys.txt")}, "FROMFILE")
	})
}

func wantKey(t *testing.T, f *liveFlags, access string) {
	t.Helper()
	c, err := credentials(f)
	if err != nil {
		t.Fatal(err)
	}
	if c.AccessKey != access {
		t.Errorf("access key %q, want %q", c.AccessKey, access)
	}
}

// What is refused, and how: each message names what was expected and
// never a secret.
func TestCredentialErrors(t *testing.T) {
	home := clearKeys(t, map[string]string{
		"aws-style.txt":  "[default]\naws_access_key_id = AKIAX\naws_secret_access_key = topsecretvalue\n",
		"other.txt":      "key: topsecretvalue\n",
		".ossutilconfig": "accessKeyID: x\naccessKeySecret: topsecretvalue\n",
	})
	tests := []struct {
		f    liveFlags
		want string
	}{
		{liveFlags{vendor: "s3", credentials: filepath.Join(home, "aws-style.txt")}, "is an AWS shared credentials file: name its profile with --profile"},
		{liveFlags{vendor: "cos", credentials: filepath.Join(home, "other.txt")}, "want lines access_key_id = ..., secret_access_key = ..."},
		{liveFlags{vendor: "oss"}, "want ossutil's INI: [Credentials] (ossutil 1) or [default] (ossutil 2)"},
		{liveFlags{vendor: "cos"}, "no credentials for cos: set COS_SECRETID or TENCENTCLOUD_SECRET_ID and COS_SECRETKEY or TENCENTCLOUD_SECRET_KEY, or write ~/.cos.yaml (coscli) or ~/.cos.conf (coscmd)"},
		{liveFlags{vendor: "s3"}, "or write a profile in ~/.aws/credentials or ~/.aws/config"},
		{liveFlags{vendor: "s3", awsProfile: "nosuch"}, "nosuch"},
		{liveFlags{vendor: "qingstor", awsProfile: "ci"}, "--profile names a profile of the AWS shared configuration, for s3 and scality"},
	}
	for _, tt := range tests {
		_, err := credentials(&tt.f)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: %v, want %q", tt.f, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "topsecretvalue") {
			t.Errorf("%+v: the error prints the secret: %v", tt.f, err)
		}
	}
}
