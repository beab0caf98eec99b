variable "name_prefix" {
  description = "Text put in front of every loop name, such as a team or environment name. Empty by default."
  type        = string
  default     = ""
}
