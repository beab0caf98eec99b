output "loop_ids" {
  description = "Loop identifiers by use case, for review requests and `terraform import`."
  value       = { for use_case, loop in hitl_loop.this : use_case => loop.id }
}

output "join_urls" {
  description = "Links to share with reviewers, by use case: each opens the loop's invitation in the HITL.sh app."
  value       = { for use_case, loop in hitl_loop.this : use_case => loop.join_url }
}

output "invite_codes" {
  description = "Codes that reviewers type in the HITL.sh app to join, by use case."
  value       = { for use_case, loop in hitl_loop.this : use_case => loop.invite_code }
}

# QR codes as data:image/png;base64 URIs, by use case. They are several
# kilobytes each, so they are marked sensitive only to keep them out of the
# console; `terraform output -json qr_codes` prints them.
output "qr_codes" {
  description = "QR codes that reviewers scan to join, as `data:image/png;base64,...` URIs, by use case."
  value       = { for use_case, loop in hitl_loop.this : use_case => loop.qr_code_base64 }
  sensitive   = true
}
