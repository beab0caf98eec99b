package provider

import "github.com/hashicorp/terraform-plugin-framework/resource/schema"

// qrCodeBase64Attribute marks the QR code sensitive: not because it is a
// secret (join_url says the same), but because plans, destroy plans
// included, would otherwise print kilobytes of base64 for every loop.
func qrCodeBase64Attribute(a schema.StringAttribute) schema.StringAttribute {
	a.Sensitive = true
	a.MarkdownDescription += " Marked sensitive only to keep kilobytes of base64 out of plans: an output of it needs " +
		"`sensitive = true`, and `terraform output -json` shows it."
	return a
}
