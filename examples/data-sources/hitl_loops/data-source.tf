# Every loop of the account, ordered by name, then id.
data "hitl_loops" "all" {}

# Only the loops whose name starts with "Support - ".
data "hitl_loops" "support" {
  name_regex = "^Support - "
}

output "loop_count" {
  value = length(data.hitl_loops.all.ids)
}

output "support_loop_ids" {
  value = data.hitl_loops.support.ids
}

# Name to id, grouping loops that share a name.
output "loop_ids_by_name" {
  value = { for loop in data.hitl_loops.all.loops : loop.name => loop.id... }
}

output "support_loops_without_reviewers" {
  value = [for loop in data.hitl_loops.support.loops : loop.name if loop.active_member_count == 0]
}
