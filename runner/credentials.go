package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/getservice-conformance/gsc/internal/live"
	"github.com/getservice-conformance/gsc/internal/signer"
)

// credentialEnv names each vendor's customary environment variables:
// access key, secret key, session token (first match wins).
var credentialEnv = map[string][3][]string{
	"s3":       {{"AWS_ACCESS_KEY_ID"}, {"AWS_SECRET_ACCESS_KEY"}, {"AWS_SESSION_TOKEN"}},
	"scality":  {{"AWS_ACCESS_KEY_ID"}, {"AWS_SECRET_ACCESS_KEY"}, {"AWS_SESSION_TOKEN"}},
	"cos":      {{"COS_SECRETID", "TENCENTCLOUD_SECRET_ID"}, {"COS_SECRETKEY", "TENCENTCLOUD_SECRET_KEY"}, {"COS_SESSIONTOKEN", "TENCENTCLOUD_SESSION_TOKEN"}},
	"oss":      {{"OSS_ACCESS_KEY_ID"}, {"OSS_ACCESS_KEY_SECRET"}, {"OSS_SESSION_TOKEN"}},
	"bos":      {{"BCE_ACCESS_KEY_ID"}, {"BCE_SECRET_ACCESS_KEY"}, {"BCE_SESSION_TOKEN"}},
	"qingstor": {{"QINGSTOR_ACCESS_KEY_ID", "QY_ACCESS_KEY_ID"}, {"QINGSTOR_SECRET_ACCESS_KEY", "QY_SECRET_ACCESS_KEY"}, {}},
}

// credentials finds a vendor's keys, never in a flag (ps would show it):
// a --credentials file if given; else the profile --profile names (S3,
// Scality); else the vendor's environment variables; else the vendor's
// own configuration files: for S3 and Scality the AWS shared config and
// credentials files through the official SDK's loader (AWS_PROFILE, SSO,
// credential_process), for the others their command-line tools' files.
func credentials(f *liveFlags) (signer.Credentials, error) {
	if f.credentials != "" {
		return credentialsFile(f.credentials)
	}
	aws := f.vendor == "s3" || f.vendor == "scality"
	if f.awsProfile != "" && !aws {
		return signer.Credentials{}, usagef("run: --profile names a profile of the AWS shared configuration, for s3 and scality; %s keys come from %s", f.vendor, credentialSources(f.vendor))
	}
	if f.awsProfile == "" {
		if c, ok := credentialsFromEnv(f.vendor); ok {
			return c, nil
		}
	}
	var c signer.Credentials
	var err error
	if aws {
		c, err = live.AWSShared(context.Background(), f.awsProfile)
	} else if home, herr := os.UserHomeDir(); herr == nil {
		c, _, err = live.FromVendorFiles(f.vendor, home)
	} else {
		err = live.ErrNoCredentials
	}
	switch {
	case errors.Is(err, live.ErrNoCredentials):
		return c, usagef("run: no credentials for %s: set %s, or pass --credentials FILE", f.vendor, credentialSources(f.vendor))
	case err != nil:
		return c, usageError{err}
	}
	return c, nil
}

// credentialSources names where a vendor's keys may be, for the message
// that says none was found.
func credentialSources(vendor string) string {
	env := credentialEnv[vendor]
	s := strings.Join(env[0], " or ") + " and " + strings.Join(env[1], " or ")
	if vendor == "s3" || vendor == "scality" {
		return s + ", or write a profile in ~/.aws/credentials or ~/.aws/config (named by AWS_PROFILE or --profile)"
	}
	var files []string
	for _, vf := range live.VendorFiles[vendor] {
		files = append(files, "~/"+filepath.ToSlash(vf.Path)+" ("+vf.Tool+")")
	}
	if len(files) > 0 {
		s += ", or write " + strings.Join(files, " or ")
	}
	return s
}

// credentialsFromEnv reads the vendor's customary environment variables.
func credentialsFromEnv(vendor string) (signer.Credentials, bool) {
	env := credentialEnv[vendor]
	get := func(names []string) string {
		for _, n := range names {
			if v := os.Getenv(n); v != "" {
				return v
			}
		}
		return ""
	}
	c := signer.Credentials{AccessKey: get(env[0]), SecretKey: get(env[1]), SessionToken: get(env[2])}
	return c, c.AccessKey != "" && c.SecretKey != ""
}

// credentialsFile reads the runner's own credentials file: lines
// access_key_id = ..., secret_access_key = ..., session_token = ....
func credentialsFile(file string) (signer.Credentials, error) {
	var c signer.Credentials
	data, err := os.ReadFile(file)
	if err != nil {
		return c, fmt.Errorf("credentials: %w", err)
	}
	awsStyle := false
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "access_key_id":
			c.AccessKey = strings.TrimSpace(v)
		case "secret_access_key":
			c.SecretKey = strings.TrimSpace(v)
		case "session_token":
			c.SessionToken = strings.TrimSpace(v)
		case "aws_access_key_id", "aws_secret_access_key":
			awsStyle = true
		}
	}
	if c.AccessKey == "" || c.SecretKey == "" {
		const want = "want lines access_key_id = ..., secret_access_key = ... and, optionally, session_token = ..."
		if awsStyle {
			return c, usagef("credentials: %s is an AWS shared credentials file: name its profile with --profile (or AWS_PROFILE) instead; --credentials files %s", file, strings.TrimPrefix(want, "want "))
		}
		return c, usagef("credentials: %s lacks access_key_id or secret_access_key: %s", file, want)
	}
	return c, nil
}
