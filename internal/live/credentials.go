package live

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"go.yaml.in/yaml/v3"

	"github.com/getservice-conformance/gsc/internal/signer"
)

// ErrNoCredentials says that a source holds no keys for the vendor, so
// the next source may be tried.
var ErrNoCredentials = errors.New("no credentials")

// VendorFile is where a vendor's own command-line tool keeps its keys, in
// that tool's format.
type VendorFile struct {
	Tool   string // coscli, coscmd, ossutil, bcecmd, qsctl
	Path   string // relative to the home directory
	Format string // what the file must look like, for the error that says it does not
	read   func(data []byte) (signer.Credentials, error)
}

// VendorFiles lists, per vendor, the configuration files of its official
// tools that hold keys, in the order they are tried. S3 and Scality are
// read through the AWS SDK's own loader (AWSShared).
var VendorFiles = map[string][]VendorFile{
	"cos": {
		{Tool: "coscli", Path: ".cos.yaml", Format: "coscli's YAML: cos: base: secretid: ..., secretkey: ..., sessiontoken: ...", read: readCoscli},
		{Tool: "coscmd", Path: ".cos.conf", Format: "coscmd's INI: [common] secret_id = ..., secret_key = ..., token = ...", read: readINI("common", "secret_id", "secret_key", "token")},
	},
	"oss": {
		{Tool: "ossutil", Path: ".ossutilconfig", Format: "ossutil's INI: [Credentials] (ossutil 1) or [default] (ossutil 2) with accessKeyID = ..., accessKeySecret = ..., stsToken = ...", read: readOssutil},
	},
	"bos": {
		{Tool: "bcecmd", Path: filepath.Join(".bcecmd", "credentials"), Format: "bcecmd's INI: [Defaults] Ak = ..., Sk = ..., Sts = ...", read: readINI("Defaults", "Ak", "Sk", "Sts")},
	},
	"qingstor": {
		{Tool: "qsctl", Path: filepath.Join(".qingstor", "config.yaml"), Format: "qsctl's YAML: access_key_id: ..., secret_access_key: ...", read: readQsctl},
	},
}

// FromVendorFiles reads the keys of the first of the vendor's tool files
// that exists under home. A file that exists but is not in its tool's
// format is an error that names the format; no file at all is
// ErrNoCredentials.
func FromVendorFiles(vendor, home string) (signer.Credentials, string, error) {
	for _, vf := range VendorFiles[vendor] {
		file := filepath.Join(home, vf.Path)
		data, err := os.ReadFile(file)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return signer.Credentials{}, file, fmt.Errorf("credentials: %w", err)
		}
		c, err := vf.read(data)
		if err == nil && (c.AccessKey == "" || c.SecretKey == "") {
			err = errors.New("it holds no access key and secret key")
		}
		if err != nil {
			return signer.Credentials{}, file, fmt.Errorf("credentials: %s: %v; want %s", file, err, vf.Format)
		}
		return c, file, nil
	}
	return signer.Credentials{}, "", ErrNoCredentials
}

// AWSShared reads S3 keys as the AWS CLI and SDKs do: through the official
// SDK's configuration loader, which reads the shared config and
// credentials files (~/.aws/config, ~/.aws/credentials, or the files
// AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE name), the profile
// named (else AWS_PROFILE, else "default"), and what that profile points
// to: SSO, a credential_process, a role to assume. The EC2 instance
// metadata service is not asked: a run is not meant to pick up a
// machine's role unasked, nor to wait for a service that is not there.
func AWSShared(ctx context.Context, profile string) (signer.Credentials, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	opts := []func(*config.LoadOptions) error{config.WithEC2IMDSClientEnableState(imds.ClientDisabled)}
	// The SDK reckons its default file names once, when it loads; they
	// are reckoned here at each call, from the home directory then.
	if home, err := os.UserHomeDir(); err == nil {
		opts = append(opts,
			config.WithSharedConfigFiles([]string{envOr("AWS_CONFIG_FILE", filepath.Join(home, ".aws", "config"))}),
			config.WithSharedCredentialsFiles([]string{envOr("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(home, ".aws", "credentials"))}))
	}
	if profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return signer.Credentials{}, fmt.Errorf("credentials: the AWS shared configuration: %w", err)
	}
	if cfg.Credentials == nil {
		return signer.Credentials{}, ErrNoCredentials
	}
	v, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		if profile == "" && os.Getenv("AWS_PROFILE") == "" && noKeysFound(err) {
			return signer.Credentials{}, ErrNoCredentials
		}
		if strings.Contains(err.Error(), "process provider") {
			// The SDK's message quotes the process's output: keys, maybe.
			return signer.Credentials{}, errors.New("credentials: the profile's credential_process failed or did not print the credentials JSON (Version 1); its output is not shown, as it may hold keys")
		}
		return signer.Credentials{}, fmt.Errorf("credentials: the AWS shared configuration: %w", err)
	}
	return signer.Credentials{AccessKey: v.AccessKeyID, SecretKey: v.SecretAccessKey, SessionToken: v.SessionToken}, nil
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

// noKeysFound says the loader found no source at all, rather than a
// source that failed (an expired SSO session, a process that failed).
func noKeysFound(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "failed to refresh cached credentials, no EC2 IMDS role found") ||
		strings.Contains(msg, "no valid providers in chain") ||
		strings.Contains(msg, "access disabled to EC2 IMDS")
}

// readINI reads keys of one section of an INI file: names compared
// without case, values trimmed of spaces and quotes.
func readINI(section, access, secret, token string) func([]byte) (signer.Credentials, error) {
	return func(data []byte) (signer.Credentials, error) {
		s, err := iniSections(data)
		if err != nil {
			return signer.Credentials{}, err
		}
		kv, ok := s[strings.ToLower(section)]
		if !ok {
			return signer.Credentials{}, fmt.Errorf("it has no [%s] section", section)
		}
		return signer.Credentials{AccessKey: kv[strings.ToLower(access)], SecretKey: kv[strings.ToLower(secret)], SessionToken: kv[strings.ToLower(token)]}, nil
	}
}

// readOssutil reads ossutil 1's [Credentials] or ossutil 2's [default].
func readOssutil(data []byte) (signer.Credentials, error) {
	c, err := readINI("Credentials", "accessKeyID", "accessKeySecret", "stsToken")(data)
	if err == nil && c.AccessKey != "" {
		return c, nil
	}
	c2, err2 := readINI("default", "accessKeyID", "accessKeySecret", "stsToken")(data)
	if err2 == nil {
		return c2, nil
	}
	if err != nil {
		return c, errors.New("it has neither a [Credentials] nor a [default] section")
	}
	return c, nil
}

// iniSections parses an INI file into lower-cased section and key names.
func iniSections(data []byte) (map[string]map[string]string, error) {
	sections := map[string]map[string]string{}
	var current map[string]string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
		case line[0] == '[' && strings.HasSuffix(line, "]"):
			name := strings.ToLower(strings.TrimSpace(line[1 : len(line)-1]))
			if sections[name] == nil {
				sections[name] = map[string]string{}
			}
			current = sections[name]
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || current == nil {
				return nil, fmt.Errorf("line %d is neither a [section] nor a key = value line under one", n)
			}
			current[strings.ToLower(strings.TrimSpace(k))] = strings.Trim(strings.TrimSpace(v), `"'`)
		}
	}
	return sections, sc.Err()
}

// readCoscli reads coscli's ~/.cos.yaml.
func readCoscli(data []byte) (signer.Credentials, error) {
	var f struct {
		COS struct {
			Base struct {
				SecretID     string `yaml:"secretid"`
				SecretKey    string `yaml:"secretkey"`
				SessionToken string `yaml:"sessiontoken"`
			} `yaml:"base"`
		} `yaml:"cos"`
	}
	if err := yaml.Unmarshal(data, &f); err != nil {
		return signer.Credentials{}, yamlProblem(err)
	}
	b := f.COS.Base
	return signer.Credentials{AccessKey: b.SecretID, SecretKey: b.SecretKey, SessionToken: b.SessionToken}, nil
}

// readQsctl reads qsctl's ~/.qingstor/config.yaml.
func readQsctl(data []byte) (signer.Credentials, error) {
	var f struct {
		AccessKey string `yaml:"access_key_id"`
		SecretKey string `yaml:"secret_access_key"`
	}
	if err := yaml.Unmarshal(data, &f); err != nil {
		return signer.Credentials{}, yamlProblem(err)
	}
	return signer.Credentials{AccessKey: f.AccessKey, SecretKey: f.SecretKey}, nil
}

// yamlProblem says where a YAML file is not what was expected, without
// the decoder's words: they may quote a value, and values are secrets.
func yamlProblem(err error) error {
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		return fmt.Errorf("it is not in that form (line %s)", m[1])
	}
	return errors.New("it is not in that form")
}

var yamlLine = regexp.MustCompile(`line (\d+)`)
