// Command terraform-provider-hitl is the Terraform provider for HITL.sh.
package main

import (
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/hitl-sh/terraform-provider-hitl/internal/provider"
)

// version is set at release time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	provider.QuietDiscardedSDKLogs()
	// The framework's server, with StopProvider made to wait for running
	// actions (provider.NewProtocol6Server), served as
	// providerserver.Serve would serve it.
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	err := tf6server.Serve("registry.terraform.io/hitl-sh/hitl", provider.NewProtocol6Server(provider.New(version)()), opts...)
	if err != nil {
		log.Fatal(err.Error())
	}
}
