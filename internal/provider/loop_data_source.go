package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

var (
	_ datasource.DataSourceWithConfigure        = &LoopDataSource{}
	_ datasource.DataSourceWithConfigValidators = &LoopDataSource{}
)

// LoopDataSource reads one loop, found by id or by exact name.
type LoopDataSource struct {
	data *providerData
}

// NewLoopDataSource returns the hitl_loop data source.
func NewLoopDataSource() datasource.DataSource {
	return &LoopDataSource{}
}

func (d *LoopDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_loop"
}

func (d *LoopDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := loopDataSourceAttributes()
	// id and name are the lookup keys: whichever is not given is read
	// from the API.
	attrs["id"] = schema.StringAttribute{
		MarkdownDescription: loopDocs.ID + " Set either `id` or `name`.",
		Optional:            true,
		Computed:            true,
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	attrs["name"] = schema.StringAttribute{
		MarkdownDescription: loopDocs.Name + " Set either `id` or `name`; a name must match exactly one loop of the " +
			"account, including case.",
		Optional:   true,
		Computed:   true,
		Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads a loop of the API key's account, by `id` or by exact `name`: its members, their " +
			"counts and the rest of what the API reports. Use it for loops that another configuration manages.",
		Attributes: attrs,
	}
}

func (d *LoopDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name")),
	}
}

func (d *LoopDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *LoopDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config loopDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() || !d.data.ready(&resp.Diagnostics) {
		return
	}
	ctx, cancel := dataSourceContext(ctx)
	defer cancel()

	var loop *hitl.Loop
	if !config.ID.IsNull() {
		loop = d.readByID(ctx, config.ID.ValueString(), &resp.Diagnostics)
	} else {
		loop = d.readByName(ctx, config.Name.ValueString(), &resp.Diagnostics)
	}
	if loop == nil {
		return
	}
	var state loopDataModel
	state.setFromAPI(loop)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (d *LoopDataSource) readByID(ctx context.Context, id string, diags *diag.Diagnostics) *hitl.Loop {
	loop, err := d.data.loops.Get(ctx, id)
	if hitl.IsConfirmedGone(err) {
		// Unlike the resource, which plans to re-create a vanished loop, a
		// data source has nothing to offer without it.
		diags.AddAttributeError(path.Root("id"), "Error reading loop",
			fmt.Sprintf("There is no loop with id %q: %s.\n\nCheck the id; the loop may have been deleted. "+
				"Only loops the API key's account can see are found.", id, err))
		return nil
	}
	if hitl.IsForbidden(err) {
		diags.AddAttributeError(path.Root("id"), "Error reading loop",
			fmt.Sprintf("%s.\n\nThe loop exists but the API key's account may not see it. Only the loop's creator and its "+
				"active members can read it: use the creator's API key, or join the loop from the HITL.sh mobile app.", err))
		return nil
	}
	if err != nil {
		diags.Append(apiErrorDiagnostic("Error reading loop", err))
		return nil
	}
	return loop
}

func (d *LoopDataSource) readByName(ctx context.Context, name string, diags *diag.Diagnostics) *hitl.Loop {
	loops, err := d.data.loops.List(ctx)
	if err != nil {
		diags.Append(apiErrorDiagnostic("Error reading loop", err))
		return nil
	}
	var matches []hitl.Loop
	for i := range loops {
		if loops[i].Name == name {
			matches = append(matches, loops[i])
		}
	}
	switch len(matches) {
	case 1:
		return &matches[0]
	case 0:
		diags.AddAttributeError(path.Root("name"), "Error reading loop",
			fmt.Sprintf("There is no loop named %q among the %d loops of the API key's account. Names must match exactly, "+
				"including case.\n\nCheck the name, or use the `hitl_loops` data source with `name_regex` to list the loops "+
				"whose names match a pattern.", name, len(loops)))
	default:
		ids := make([]string, len(matches))
		for i := range matches {
			ids[i] = matches[i].ID
		}
		sort.Strings(ids)
		diags.AddAttributeError(path.Root("name"), "Error reading loop",
			fmt.Sprintf("%d loops are named %q, so the name does not identify one: %s.\n\nLook the loop up by `id` instead, "+
				"or give the loops distinct names.", len(matches), name, strings.Join(ids, ", ")))
	}
	return nil
}
