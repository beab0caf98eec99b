package provider

import (
	"context"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hitl-sh/terraform-provider-hitl/internal/validators"
)

var (
	_ list.ListResource              = &LoopListResource{}
	_ list.ListResourceWithConfigure = &LoopListResource{}
)

// LoopListResource lists the account's loops for `terraform query`
// (Terraform 1.14 and later), which can write their configuration and
// import blocks.
type LoopListResource struct {
	data *providerData
}

// NewLoopListResource returns the hitl_loop list resource.
func NewLoopListResource() list.ListResource {
	return &LoopListResource{}
}

// loopListConfigModel is the `config` block of a `list "hitl_loop"` block.
type loopListConfigModel struct {
	NameRegex types.String `tfsdk:"name_regex"`
}

func (r *LoopListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_loop"
}

func (r *LoopListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists the loops of the API key's account, with one API request, ordered by name, then by id. " +
			"Each result is named after its loop and carries the loop's identity, and with `include_resource = true` " +
			"its attributes, so that `terraform query -generate-config-out` can write a `hitl_loop` resource and an " +
			"import block for each.",
		Attributes: map[string]listschema.Attribute{
			"name_regex": listschema.StringAttribute{
				MarkdownDescription: nameRegexDescription,
				Optional:            true,
				Validators:          []validator.String{validators.Regexp()},
			},
		},
	}
}

func (r *LoopListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// timeoutsNull is the value of an absent `timeouts` block.
var timeoutsNull = timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{
	"create": types.StringType,
	"read":   types.StringType,
	"update": types.StringType,
	"delete": types.StringType,
})}

func (r *LoopListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg loopListConfigModel
	var diags diag.Diagnostics
	diags.Append(req.Config.Get(ctx, &cfg)...)
	if diags.HasError() || !r.data.ready(&diags) {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	// Checked at plan time by validators.Regexp.
	var nameRegex *regexp.Regexp
	if !cfg.NameRegex.IsNull() {
		nameRegex = regexp.MustCompile(cfg.NameRegex.ValueString())
	}

	all, err := r.data.loops.List(ctx)
	if err != nil {
		diags.Append(apiErrorDiagnostic("Error listing loops", err))
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	loops := filterLoops(all, nameRegex)

	stream.Results = func(push func(list.ListResult) bool) {
		for i := range loops {
			if req.Limit > 0 && int64(i) >= req.Limit {
				return
			}
			loop := &loops[i]
			result := req.NewListResult(ctx)
			result.DisplayName = loop.Name
			result.Diagnostics.Append(result.Identity.Set(ctx, loopIdentityModel{ID: types.StringValue(loop.ID)})...)
			if req.IncludeResource {
				// What an import of this loop puts in state.
				var m loopResourceModel
				m.setWithoutJoinDetails(loop)
				m.Timeouts = timeoutsNull
				result.Diagnostics.Append(result.Resource.Set(ctx, &m)...)
			}
			if !push(result) {
				return
			}
		}
	}
}
