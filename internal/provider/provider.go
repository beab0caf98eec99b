// Package provider implements the HITL.sh Terraform provider on
// terraform-plugin-framework. It holds only Terraform glue; the API lives in
// package hitl.
package provider

import (
	"context"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
	"github.com/hitl-sh/terraform-provider-hitl/internal/validators"
)

// Environment variables read when the matching attribute is not set.
const (
	envAPIKey  = "HITL_API_KEY"
	envBaseURL = "HITL_BASE_URL"
)

var (
	_ provider.Provider                  = &HITLProvider{}
	_ provider.ProviderWithActions       = &HITLProvider{}
	_ provider.ProviderWithListResources = &HITLProvider{}
)

// HITLProvider is the provider implementation.
type HITLProvider struct {
	// version is "dev" for local builds and the release version otherwise.
	version string
	// clientOptions are applied after the configured ones. Only tests set
	// them, for example to shorten the waits between retries.
	clientOptions []hitl.Option
}

// New returns a constructor for the provider, as providerserver expects.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &HITLProvider{version: version}
	}
}

// providerModel is the provider block.
type providerModel struct {
	APIKey         types.String         `tfsdk:"api_key"`
	BaseURL        types.String         `tfsdk:"base_url"`
	MaxRetries     types.Int64          `tfsdk:"max_retries"`
	RequestTimeout timetypes.GoDuration `tfsdk:"request_timeout"`
	BatchRefresh   types.Bool           `tfsdk:"batch_refresh"`
}

func (p *HITLProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "hitl"
	resp.Version = p.version
}

func (p *HITLProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The HITL provider manages [HITL.sh](https://hitl.sh) human-in-the-loop resources: " +
			"loops of human reviewers and the review requests sent to them.",
		Attributes: map[string]schema.Attribute{
			"api_key": schema.StringAttribute{
				MarkdownDescription: "API key of the HITL.sh account. Can also be set with the `HITL_API_KEY` environment variable, " +
					"which is the recommended way: it keeps the key out of configuration files.",
				Optional:  true,
				Sensitive: true,
			},
			"base_url": schema.StringAttribute{
				MarkdownDescription: "Root of the HITL.sh API. Defaults to `" + hitl.DefaultBaseURL + "`; can also be set with the " +
					"`HITL_BASE_URL` environment variable. Must use `https://`, except for a loopback host such as a local emulator.",
				Optional: true,
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: "Optional cap on how many times one request is retried. A request that failed with a " +
					"rate limit (429), a server error (500, 502, 503, 504) or a connection error is retried with exponential " +
					"backoff and jitter, never sooner than the API's `Retry-After`, until the operation's deadline: the " +
					"resource's `timeouts`, or its documented default. Creates are retried only when the API certainly did not " +
					"receive them. Unset by default, so that the deadline alone decides; set it to fail sooner during an outage. " +
					"`0` disables retries.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.AtLeast(0)},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Time limit of a single HTTP request, as a Go duration such as `30s` or `2m`, "+
					"at least `%s`. Defaults to `%s`. Each operation is also bounded by its own deadline (a resource's `timeouts`), "+
					"within which failed requests are retried.", hitl.MinHTTPTimeout, hitl.DefaultHTTPTimeout),
				CustomType: timetypes.GoDurationType{},
				Optional:   true,
				Validators: []validator.String{validators.DurationAtLeast(hitl.MinHTTPTimeout,
					"A shorter limit leaves an answer no time to arrive, so every call would fail as if the API were down.")},
			},
			"batch_refresh": schema.BoolAttribute{
				MarkdownDescription: "Whether loops are refreshed from one shared `GET /api/loops` call instead of one request per " +
					"loop. Defaults to `true`, which keeps the cost of a plan flat however many loops a configuration has. " +
					"Set to `false` to read every loop with its own request.",
				Optional: true,
			},
		},
	}
}

// providerData is what resources and data sources receive from Configure.
type providerData struct {
	client *hitl.Client
	// loops serves loop reads: the shared snapshot, or the client itself
	// when batch_refresh is off.
	loops loopReader
	// loopClaims and requestClaims hold the loops and review requests this
	// provider process created or adopted, so that recovering from a lost
	// create answer never adopts a sibling's object.
	loopClaims, requestClaims claimSet
	// loopCreates coordinates alike loop creates (loop_create_group.go).
	loopCreates loopCreateGroups
}

// loopReader reads loops; *hitl.LoopSnapshot and directLoopReader implement it.
type loopReader interface {
	Get(ctx context.Context, id string) (*hitl.Loop, error)
	List(ctx context.Context) ([]hitl.Loop, error)
}

// directLoopReader reads every loop with its own request. A loop is gone
// only when its GET says "Loop not found" and the list agrees, as with the
// snapshot.
type directLoopReader struct{ client *hitl.Client }

func (d directLoopReader) Get(ctx context.Context, id string) (*hitl.Loop, error) {
	return d.client.ReadLoop(ctx, id)
}

func (d directLoopReader) List(ctx context.Context) ([]hitl.Loop, error) {
	return d.client.ListLoops(ctx)
}

func (p *HITLProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	// A value that is only known after apply (for example a key produced by
	// another resource) leaves the provider unconfigured for this plan.
	// Resources can still be planned; anything that needs the API reports
	// it clearly, and apply configures the provider with known values.
	if cfg.APIKey.IsUnknown() || cfg.BaseURL.IsUnknown() || cfg.MaxRetries.IsUnknown() ||
		cfg.RequestTimeout.IsUnknown() || cfg.BatchRefresh.IsUnknown() {
		return
	}

	apiKey := stringOrEnv(cfg.APIKey, envAPIKey)
	if apiKey == "" {
		resp.Diagnostics.AddAttributeError(path.Root("api_key"), "Missing HITL API key",
			"The provider needs an API key to call the HITL.sh API. Set the `api_key` attribute in the provider block, "+
				"or (recommended) the "+envAPIKey+" environment variable. Keys are created in the HITL.sh dashboard.")
		return
	}
	baseURL := stringOrEnv(cfg.BaseURL, envBaseURL)
	if baseURL == "" {
		baseURL = hitl.DefaultBaseURL
	}

	opts := []hitl.Option{
		hitl.WithUserAgent(userAgent(p.version, req.TerraformVersion)),
		hitl.WithLogger(tflogLogger{}),
	}
	if _, err := hitl.ParseBaseURL(baseURL); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("base_url"), "Invalid HITL base URL",
			err.Error()+". It was read from the `base_url` attribute or the "+envBaseURL+" environment variable.")
		return
	}
	opts = append(opts, hitl.WithBaseURL(baseURL))
	if !cfg.MaxRetries.IsNull() {
		opts = append(opts, hitl.WithMaxRetries(int(cfg.MaxRetries.ValueInt64())))
	}
	if !cfg.RequestTimeout.IsNull() {
		d, diags := cfg.RequestTimeout.ValueGoDuration()
		resp.Diagnostics.Append(diags...)
		if diags.HasError() {
			return
		}
		opts = append(opts, hitl.WithHTTPTimeout(d))
	}
	client, err := hitl.New(apiKey, append(opts, p.clientOptions...)...)
	if err != nil {
		resp.Diagnostics.AddError("Unable to configure the HITL client", err.Error())
		return
	}

	// Nothing listening at the address (a wrong port, an emulator that is
	// not running) is reported here once, rather than by every resource.
	// The probe sends no request, so it costs none of the key's budget.
	if err := client.Probe(ctx); err != nil {
		resp.Diagnostics.AddError("Cannot reach the HITL API", unreachableDetail(err))
		return
	}

	data := &providerData{client: client, loops: client.NewLoopSnapshot(hitl.DefaultSnapshotTTL)}
	if !cfg.BatchRefresh.IsNull() && !cfg.BatchRefresh.ValueBool() {
		data.loops = directLoopReader{client: client}
	}
	resp.DataSourceData = data
	resp.ResourceData = data
	resp.ActionData = data
	resp.ListResourceData = data
}

func stringOrEnv(v types.String, env string) string {
	if !v.IsNull() && v.ValueString() != "" {
		return v.ValueString()
	}
	return os.Getenv(env)
}

func userAgent(providerVersion, terraformVersion string) string {
	if terraformVersion == "" {
		terraformVersion = "unknown"
	}
	return fmt.Sprintf("terraform-provider-hitl/%s (+https://registry.terraform.io/providers/hitl-sh/hitl) Terraform/%s",
		providerVersion, terraformVersion)
}

func (p *HITLProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewLoopResource,
		NewRequestResource,
		NewLoopMemberPolicyResource,
	}
}

func (p *HITLProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewLoopDataSource,
		NewLoopsDataSource,
		NewAPIKeyDataSource,
		NewRequestDataSource,
		NewLoopMembersDataSource,
	}
}

// Actions are run by Terraform 1.14 and later; older CLIs and OpenTofu do
// not ask for them and see the provider unchanged.
func (p *HITLProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{
		NewApprovalAction,
	}
}

// ListResources are what `terraform query` lists (Terraform 1.14 and later).
func (p *HITLProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		NewLoopListResource,
	}
}
