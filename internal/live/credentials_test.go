package live

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// home writes files into a fresh home directory.
func home(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const secret = "s3cr3t-never-printed"

func TestVendorFiles(t *testing.T) {
	tests := []struct {
		vendor string
		files  map[string]string
		access string
		token  string
		file   string
	}{
		{"cos", map[string]string{".cos.yaml": "cos:\n  base:\n    secretid: AKIDcoscli\n    secretkey: " + secret + "\n    sessiontoken: \"tok\"\n    protocol: https\n  buckets: []\n"}, "AKIDcoscli", "tok", ".cos.yaml"},
		{"cos", map[string]string{".cos.conf": "[common]\nsecret_id = AKIDcoscmd\nsecret_key = " + secret + "\nbucket = b-1250000000\nregion = ap-guangzhou\n"}, "AKIDcoscmd", "", ".cos.conf"},
		// coscli's file is tried before coscmd's.
		{"cos", map[string]string{
			".cos.yaml": "cos:\n  base:\n    secretid: AKIDfirst\n    secretkey: " + secret + "\n",
			".cos.conf": "[common]\nsecret_id = AKIDsecond\nsecret_key = " + secret + "\n",
		}, "AKIDfirst", "", ".cos.yaml"},
		{"oss", map[string]string{".ossutilconfig": "[Credentials]\nlanguage=EN\nendpoint=oss-cn-hangzhou.aliyuncs.com\naccessKeyID=LTAIone\naccessKeySecret=" + secret + "\nstsToken=sts\n"}, "LTAIone", "sts", ".ossutilconfig"},
		{"oss", map[string]string{".ossutilconfig": "[default]\naccessKeyID = LTAItwo\naccessKeySecret = " + secret + "\nregion = cn-hangzhou\n"}, "LTAItwo", "", ".ossutilconfig"},
		{"bos", map[string]string{".bcecmd/credentials": "[Defaults]\nAk = bceak\nSk = " + secret + "\nSts = \n"}, "bceak", "", ".bcecmd/credentials"},
		{"qingstor", map[string]string{".qingstor/config.yaml": "access_key_id: 'QSAK'\nsecret_access_key: '" + secret + "'\nhost: 'qingstor.com'\nport: 443\nprotocol: 'https'\n"}, "QSAK", "", ".qingstor/config.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.vendor+"/"+tt.file, func(t *testing.T) {
			dir := home(t, tt.files)
			c, file, err := FromVendorFiles(tt.vendor, dir)
			if err != nil {
				t.Fatal(err)
			}
			if c.AccessKey != tt.access || c.SecretKey != secret || c.SessionToken != tt.token {
				t.Errorf("got access %q token %q (secret right: %v), want %q %q", c.AccessKey, c.SessionToken, c.SecretKey == secret, tt.access, tt.token)
			}
			if file != filepath.Join(dir, tt.file) {
				t.Errorf("read %s, want %s", file, tt.file)
			}
		})
	}
}

// A file of its tool's name in another format is refused with the format
// it should have, and without a word of its content.
func TestVendorFilesWrongFormat(t *testing.T) {
	tests := []struct {
		vendor, file, text, want string
	}{
		{"cos", ".cos.yaml", "[common]\nsecret_id = x\nsecret_key = " + secret + "\n", "coscli's YAML: cos: base: secretid"},
		{"cos", ".cos.yaml", "cos: " + secret + "\n", "coscli's YAML"},
		{"cos", ".cos.conf", "secret_id: x\nsecret_key: " + secret + "\n", "coscmd's INI: [common]"},
		{"oss", ".ossutilconfig", "[other]\naccessKeyID=x\naccessKeySecret=" + secret + "\n", "[Credentials] (ossutil 1) or [default] (ossutil 2)"},
		{"bos", ".bcecmd/credentials", "{\"ak\": \"x\", \"sk\": \"" + secret + "\"}\n", "bcecmd's INI: [Defaults] Ak"},
		{"qingstor", ".qingstor/config.yaml", "qy_access_key_id: 'x'\nqy_secret_access_key: '" + secret + "'\n", "qsctl's YAML: access_key_id"},
	}
	for _, tt := range tests {
		t.Run(tt.vendor+"/"+tt.file, func(t *testing.T) {
			_, _, err := FromVendorFiles(tt.vendor, home(t, map[string]string{tt.file: tt.text}))
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not name the format %q", err, tt.want)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error prints the secret: %q", err)
			}
		})
	}
}

func TestVendorFilesNone(t *testing.T) {
	for _, vendor := range []string{"cos", "oss", "bos", "qingstor", "s3"} {
		if _, _, err := FromVendorFiles(vendor, t.TempDir()); !errors.Is(err, ErrNoCredentials) {
			t.Errorf("%s: %v, want ErrNoCredentials", vendor, err)
		}
	}
}

// awsHome points the AWS SDK's loader at a fresh home and no environment
// keys.
func awsHome(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := home(t, files)
	t.Setenv("HOME", dir)
	for _, name := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN"} {
		t.Setenv(name, "")
		os.Unsetenv(name)
	}
	return dir
}

func TestAWSShared(t *testing.T) {
	dir := awsHome(t, map[string]string{
		"bin/creds":        "#!/bin/sh\nprintf '%s' '{\"Version\": 1, \"AccessKeyId\": \"AKIAPROCESS\", \"SecretAccessKey\": \"" + secret + "\"}'\n",
		"bin/broken":       "#!/bin/sh\nprintf '%s' 'Version 1 AccessKeyId AKIAPROCESS SecretAccessKey " + secret + "'\n",
		".aws/credentials": "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = " + secret + "\n\n[ci]\naws_access_key_id = AKIACI\naws_secret_access_key = " + secret + "\naws_session_token = citoken\n",
		// A profile whose keys come from a process, as credential_process
		// tools (aws-vault, granted, 1Password) give them.
		".aws/config": "[default]\nregion = us-east-1\n\n[profile fromprocess]\ncredential_process = HOME/bin/creds\n\n[profile broken]\ncredential_process = HOME/bin/broken\n",
	})
	for _, script := range []string{"creds", "broken"} {
		if err := os.Chmod(filepath.Join(dir, "bin", script), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	cfg := filepath.Join(dir, ".aws", "config")
	text, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, []byte(strings.ReplaceAll(string(text), "HOME/", dir+"/")), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, tt := range []struct {
		profile, env, access, token string
	}{
		{"", "", "AKIADEFAULT", ""},
		{"ci", "", "AKIACI", "citoken"},
		{"", "ci", "AKIACI", "citoken"}, // AWS_PROFILE
		{"fromprocess", "", "AKIAPROCESS", ""},
	} {
		t.Run(tt.profile+tt.env, func(t *testing.T) {
			if tt.env != "" {
				t.Setenv("AWS_PROFILE", tt.env)
			}
			c, err := AWSShared(ctx, tt.profile)
			if err != nil {
				t.Fatal(err)
			}
			if c.AccessKey != tt.access || c.SecretKey != secret || c.SessionToken != tt.token {
				t.Errorf("got %q %q (secret right: %v), want %q %q", c.AccessKey, c.SessionToken, c.SecretKey == secret, tt.access, tt.token)
			}
		})
	}
	// A process that prints something else: refused, without its output.
	if _, err := AWSShared(ctx, "broken"); err == nil || strings.Contains(err.Error(), secret) || !strings.Contains(err.Error(), "credential_process") {
		t.Errorf("a broken credential_process: %v, want an error naming it, without the secret", err)
	}
	if _, err := AWSShared(ctx, "nosuch"); err == nil || errors.Is(err, ErrNoCredentials) || !strings.Contains(err.Error(), "nosuch") {
		t.Errorf("an unknown profile: %v, want an error naming it", err)
	}
}

func TestAWSSharedNone(t *testing.T) {
	awsHome(t, nil)
	if _, err := AWSShared(context.Background(), ""); !errors.Is(err, ErrNoCredentials) {
		t.Errorf("no files: %v, want ErrNoCredentials", err)
	}
}
