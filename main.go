// Command terraform-provider-hitl is the Terraform provider for HITL.sh.
package main

import (
	"context"
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/hitl-sh/terraform-provider-hitl/internal/provider"
)

// version is set at release time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	quietDiscardedSDKLogs()
	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address:         "registry.terraform.io/hitl-sh/hitl",
		Debug:           debug,
		ProtocolVersion: 6,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}

// sdkLogLevels are the environment variables that set the log levels of
// the plugin SDK's own subsystems.
var sdkLogLevels = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"}

// quietDiscardedSDKLogs switches the SDK's logs off when Terraform would
// throw them away. Without a level set, the SDK formats every request at
// TRACE, which costs a noticeable share of the CPU of a large plan, and
// Terraform discards those lines unless TF_LOG or TF_LOG_PROVIDER is set.
// Any level the user sets explicitly is left alone.
func quietDiscardedSDKLogs() {
	if os.Getenv("TF_LOG") != "" || os.Getenv("TF_LOG_PROVIDER") != "" {
		return
	}
	for _, name := range sdkLogLevels {
		if _, set := os.LookupEnv(name); !set {
			_ = os.Setenv(name, "OFF")
		}
	}
}
