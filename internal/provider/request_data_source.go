package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

var _ datasource.DataSourceWithConfigure = &RequestDataSource{}

// RequestDataSource reads one review request by id.
type RequestDataSource struct {
	data *providerData
}

// NewRequestDataSource returns the hitl_request data source.
func NewRequestDataSource() datasource.DataSource {
	return &RequestDataSource{}
}

func (d *RequestDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_request"
}

func (d *RequestDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := requestDataSourceAttributes()
	attrs["id"] = schema.StringAttribute{
		MarkdownDescription: requestDocs.ID,
		Required:            true,
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads a review request by id: what was asked, its status and, once there is one, the answer. " +
			"Use it for requests sent by another configuration or application, such as one whose id a pipeline passes in.",
		Attributes: attrs,
	}
}

func (d *RequestDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *RequestDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config requestModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() || !d.data.ready(&resp.Diagnostics) {
		return
	}
	ctx, cancel := dataSourceContext(ctx)
	defer cancel()
	id := config.ID.ValueString()
	q, err := d.data.client.GetRequest(ctx, id)
	switch {
	case hitl.IsRequestNotFoundAnswer(err):
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Error reading review request",
			fmt.Sprintf("There is no request with id %q: %s.\n\nCheck the id; deleting a loop deletes its requests too.", id, err))
		return
	case hitl.IsForbidden(err):
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Error reading review request",
			fmt.Sprintf("%s.\n\nThe request exists but belongs to a loop the API key's account may not see. "+
				"Use the API key of the loop's creator.", err))
		return
	case err != nil:
		resp.Diagnostics.Append(apiErrorDiagnostic("Error reading review request", err))
		return
	}
	var state requestModel
	state.setFromAPI(q)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// requestDataSourceAttributes returns the request's attributes as the data
// source exposes them: all computed but `id`, which the caller adds.
func requestDataSourceAttributes() map[string]schema.Attribute {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	num := func(desc string) schema.Float64Attribute {
		return schema.Float64Attribute{MarkdownDescription: desc, Computed: true}
	}
	count := func(desc string) schema.Int64Attribute {
		return schema.Int64Attribute{MarkdownDescription: desc, Computed: true}
	}
	return map[string]schema.Attribute{
		"loop_id":         str(requestDocs.LoopID),
		"request_text":    str(requestDocs.RequestText),
		"priority":        str(requestDocs.Priority),
		"processing_type": str(requestDocs.ProcessingType),
		"timeout_seconds": count(requestDocs.DataSourceTimeoutSeconds),
		"type":            str(requestDocs.Type),
		"image_url":       str(requestDocs.ImageURL),
		"response_type":   str(requestDocs.ResponseType),
		"response_config": schema.SingleNestedAttribute{
			MarkdownDescription: requestDocs.ResponseConfig,
			Computed:            true,
			Attributes: map[string]schema.Attribute{
				"options": schema.ListNestedAttribute{
					MarkdownDescription: requestDocs.Options,
					Computed:            true,
					NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
						"value": str(requestDocs.OptionValue),
						"label": str(requestDocs.DataSourceOptionLabel),
						"color": str(requestDocs.OptionColor),
					}},
				},
				"required":    schema.BoolAttribute{MarkdownDescription: requestDocs.Required, Computed: true},
				"scale_min":   num(requestDocs.ScaleMin),
				"scale_max":   num(requestDocs.ScaleMax),
				"scale_step":  num(requestDocs.ScaleStep),
				"placeholder": str(requestDocs.Placeholder),
				"min_length":  count(requestDocs.MinLength),
				"max_length":  count(requestDocs.MaxLength),

				"min_selections": count(requestDocs.MinSelections),
				"max_selections": count(requestDocs.MaxSelections),
				"labels": schema.MapAttribute{
					MarkdownDescription: requestDocs.Labels, ElementType: types.StringType, Computed: true,
				},
				"min_value":      num(requestDocs.MinValue),
				"max_value":      num(requestDocs.MaxValue),
				"decimal_places": count(requestDocs.DecimalPlaces),
				"prefix":         str(requestDocs.Prefix),
				"suffix":         str(requestDocs.Suffix),
				"allow_negative": schema.BoolAttribute{MarkdownDescription: requestDocs.AllowNegative, Computed: true},
				"true_label":     str(requestDocs.TrueLabel),
				"false_label":    str(requestDocs.FalseLabel),
				"true_color":     str(requestDocs.TrueColor),
				"false_color":    str(requestDocs.FalseColor),
			},
		},
		"default_response": str(requestDocs.DataSourceDefaultResponse),
		"context":          jsonDataAttribute(str(requestDocs.Context)),
		"tags": schema.ListAttribute{
			MarkdownDescription: requestDocs.Tags,
			ElementType:         types.StringType,
			Computed:            true,
		},
		"callback_url":   str(requestDocs.CallbackURL),
		"status":         str(requestDocs.Status),
		"timeout_at":     str(requestDocs.TimeoutAt),
		"created_at":     str(requestDocs.CreatedAt),
		"broadcasted_to": count(requestDocs.DataSourceBroadcastedTo),
		"response_data":  jsonDataAttribute(str(requestDocs.ResponseData)),
		"response":       str(requestDocs.Response),
		"response_by":    str(requestDocs.ResponseBy),
		"response_at":    str(requestDocs.ResponseAt),
	}
}
