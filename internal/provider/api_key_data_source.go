package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = &APIKeyDataSource{}

// APIKeyDataSource reports what the API knows about the provider's key.
type APIKeyDataSource struct {
	data *providerData
}

// NewAPIKeyDataSource returns the hitl_api_key data source.
func NewAPIKeyDataSource() datasource.DataSource {
	return &APIKeyDataSource{}
}

// apiKeyDataSourceModel is the hitl_api_key data source's state.
type apiKeyDataSourceModel struct {
	APIKeyID      types.String         `tfsdk:"api_key_id"`
	UserID        types.String         `tfsdk:"user_id"`
	Email         types.String         `tfsdk:"email"`
	AccountStatus types.String         `tfsdk:"account_status"`
	Permissions   []string             `tfsdk:"permissions"`
	RateLimit     apiKeyRateLimitModel `tfsdk:"rate_limit"`
}

type apiKeyRateLimitModel struct {
	Limit     types.Int64  `tfsdk:"limit"`
	Remaining types.Int64  `tfsdk:"remaining"`
	ResetAt   types.String `tfsdk:"reset_at"`
}

func (d *APIKeyDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_key"
}

func (d *APIKeyDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Checks the provider's API key with the HITL.sh `GET /test` endpoint and reports its owner, " +
			"permissions and hourly rate limit. Reading it fails when the API does not accept the key, so a run can stop " +
			"before it changes anything; add a `check` block or a `postcondition` to require a permission.",
		Attributes: map[string]schema.Attribute{
			"api_key_id":     str("Identifier of the API key."),
			"user_id":        str("Identifier of the user who owns the key, and so the `creator_id` of the loops it creates."),
			"email":          str("Email address of the key's owner."),
			"account_status": str("Status of the owner's account: `active` or `inactive`."),
			"permissions": schema.ListAttribute{
				MarkdownDescription: "What the key may do, such as `loops:read`, `loops:write`, `requests:read` and `requests:write`.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"rate_limit": schema.SingleNestedAttribute{
				MarkdownDescription: "The key's hourly request budget at the time of the read, as the answer's `X-RateLimit-*` headers report it. The window starts with the key's first request and lasts an hour; the check itself counts as a request.",
				Computed:            true,
				Attributes: map[string]schema.Attribute{
					"limit":     schema.Int64Attribute{MarkdownDescription: "Requests allowed per hour.", Computed: true},
					"remaining": schema.Int64Attribute{MarkdownDescription: "Requests left in the current hour.", Computed: true},
					"reset_at":  str("When the budget is renewed (RFC 3339)."),
				},
			},
		},
	}
}

func (d *APIKeyDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *APIKeyDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.data.ready(&resp.Diagnostics) {
		return
	}
	ctx, cancel := dataSourceContext(ctx)
	defer cancel()
	info, err := d.data.client.CheckKey(ctx)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic("Error checking API key", err))
		return
	}
	state := apiKeyDataSourceModel{
		APIKeyID:      types.StringValue(info.APIKeyID),
		UserID:        types.StringValue(info.UserID),
		Email:         types.StringValue(info.Email),
		AccountStatus: types.StringValue(info.AccountStatus),
		// An empty list, not null, when the key has no permissions, so
		// that contains() works in conditions.
		Permissions: append(make([]string, 0, len(info.Permissions)), info.Permissions...),
		RateLimit: apiKeyRateLimitModel{
			Limit:     types.Int64Value(int64(info.RateLimit.Limit)),
			Remaining: types.Int64Value(int64(info.RateLimit.Remaining)),
			ResetAt:   types.StringValue(info.RateLimit.ResetAt),
		},
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}
