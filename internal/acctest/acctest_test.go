package acctest

import "testing"

func TestParseVersion(t *testing.T) {
	tests := []struct {
		out          string
		tofu         bool
		major, minor int
		name         string
	}{
		{"Terraform v1.11.4\non linux_amd64\n", false, 1, 11, "Terraform 1.11.4"},
		{"OpenTofu v1.12.6\non linux_amd64\n", true, 1, 12, "OpenTofu 1.12.6"},
		{"Terraform v1.15.0-beta1\non linux_amd64\n", false, 1, 15, "Terraform 1.15.0-beta1"},
	}
	for _, tt := range tests {
		cli, err := ParseVersion("x", tt.out)
		if err != nil {
			t.Fatalf("%q: %v", tt.out, err)
		}
		if cli.OpenTofu != tt.tofu || cli.Major != tt.major || cli.Minor != tt.minor || cli.Name() != tt.name {
			t.Errorf("%q: got %+v (%s)", tt.out, cli, cli.Name())
		}
	}
	if !(CLI{Major: 1, Minor: 15}).AtLeast(1, 14) || (CLI{Major: 1, Minor: 11}).AtLeast(1, 12) {
		t.Error("AtLeast compares wrongly")
	}
	for _, bad := range []string{"", "Warning: Unable to open CLI configuration file", "Terraform vX.Y"} {
		if _, err := ParseVersion("x", bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
