# In a file ending in .tfquery.hcl, next to a configuration that configures
# the hitl provider. `terraform query` (Terraform 1.14 and later) lists the
# matching loops; `terraform query -generate-config-out=generated.tf` also
# writes a hitl_loop resource and an import block for each.
list "hitl_loop" "prod" {
  provider         = hitl
  include_resource = true

  config {
    # Optional: only loops whose name matches, as in data.hitl_loops.
    name_regex = "^prod-"
  }
}
