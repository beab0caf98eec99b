package provider

import "os"

// sdkLogLevels are the environment variables that set the log levels of
// the plugin SDK's own subsystems.
var sdkLogLevels = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"}

// QuietDiscardedSDKLogs switches the SDK's logs off when Terraform would
// throw them away. Without a level set, the SDK formats every request at
// TRACE, which costs a noticeable share of the CPU of a large plan, and
// Terraform discards those lines unless TF_LOG or TF_LOG_PROVIDER is set.
// Any level the user sets explicitly is left alone. Call it before the
// provider serves anything: the SDK reads the levels as it starts.
func QuietDiscardedSDKLogs() {
	if os.Getenv("TF_LOG") != "" || os.Getenv("TF_LOG_PROVIDER") != "" {
		return
	}
	for _, name := range sdkLogLevels {
		if _, set := os.LookupEnv(name); !set {
			_ = os.Setenv(name, "OFF")
		}
	}
}
