package provider

import (
	"context"
	"regexp"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
	"github.com/hitl-sh/terraform-provider-hitl/internal/validators"
)

var _ datasource.DataSourceWithConfigure = &LoopsDataSource{}

// nameRegexDescription documents the name filter of hitl_loops and of the
// hitl_loop list resource.
const nameRegexDescription = "Regular expression in [RE2 syntax](https://github.com/google/re2/wiki/Syntax) that " +
	"a loop's name must match to be listed; it matches anywhere in the name unless anchored with `^` and `$`. " +
	"By default every loop is listed."

// LoopsDataSource lists the loops of the API key's account.
type LoopsDataSource struct {
	data *providerData
}

// NewLoopsDataSource returns the hitl_loops data source.
func NewLoopsDataSource() datasource.DataSource {
	return &LoopsDataSource{}
}

// loopsDataSourceModel is the hitl_loops data source's configuration and
// state.
type loopsDataSourceModel struct {
	NameRegex types.String    `tfsdk:"name_regex"`
	Loops     []loopDataModel `tfsdk:"loops"`
	IDs       []string        `tfsdk:"ids"`
}

func (d *LoopsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_loops"
}

func (d *LoopsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the loops of the API key's account, optionally only those whose name matches a " +
			"regular expression. Loops are ordered by name, then by id.",
		Attributes: map[string]schema.Attribute{
			"name_regex": schema.StringAttribute{
				MarkdownDescription: nameRegexDescription,
				Optional:            true,
				Validators:          []validator.String{validators.Regexp()},
			},
			"loops": schema.ListNestedAttribute{
				MarkdownDescription: "The loops, ordered by name, then by id. Each has the attributes of the `hitl_loop` data source.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: loopDataSourceAttributes()},
			},
			"ids": schema.ListAttribute{
				MarkdownDescription: "Identifiers of the loops, in the order of `loops`.",
				ElementType:         types.StringType,
				Computed:            true,
			},
		},
	}
}

func (d *LoopsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *LoopsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var state loopsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !d.data.ready(&resp.Diagnostics) {
		return
	}
	ctx, cancel := dataSourceContext(ctx)
	defer cancel()
	// Checked at plan time by validators.Regexp.
	var nameRegex *regexp.Regexp
	if !state.NameRegex.IsNull() {
		nameRegex = regexp.MustCompile(state.NameRegex.ValueString())
	}

	all, err := d.data.loops.List(ctx)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic("Error listing loops", err))
		return
	}
	loops := filterLoops(all, nameRegex)
	state.Loops = make([]loopDataModel, len(loops))
	state.IDs = make([]string, len(loops))
	for i := range loops {
		state.Loops[i].setFromAPI(&loops[i])
		state.IDs[i] = loops[i].ID
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// filterLoops returns the loops whose name matches nameRegex (all of them
// when it is nil), ordered by name, then by id. all may be the shared
// snapshot: it is filtered into a copy, never sorted in place.
func filterLoops(all []hitl.Loop, nameRegex *regexp.Regexp) []hitl.Loop {
	loops := make([]hitl.Loop, 0, len(all))
	for _, l := range all {
		if nameRegex == nil || nameRegex.MatchString(l.Name) {
			loops = append(loops, l)
		}
	}
	// The API lists loops in creation order, which changes whenever one is
	// re-created; name order keeps plans that index into the list stable.
	sort.SliceStable(loops, func(i, j int) bool {
		if loops[i].Name != loops[j].Name {
			return loops[i].Name < loops[j].Name
		}
		return loops[i].ID < loops[j].ID
	})
	return loops
}
