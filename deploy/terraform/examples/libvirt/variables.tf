variable "goldsmith_url" {
  description = "Base URL of the Goldsmith control plane"
  type        = string
  default     = "http://127.0.0.1:8080"
}

variable "goldsmith_token" {
  description = "A Goldsmith token of the team that owns the channel (role reader is enough)"
  type        = string
  sensitive   = true
}

variable "distro" {
  type    = string
  default = "debian"
}

variable "profile" {
  type    = string
  default = "core"
}

variable "channel" {
  type    = string
  default = "production"
}

variable "libvirt_uri" {
  type    = string
  default = "qemu:///system"
}

variable "pool" {
  description = "libvirt storage pool for the golden image and the VM's disk"
  type        = string
  default     = "default"
}

variable "network" {
  type    = string
  default = "default"
}

variable "vm_name" {
  type    = string
  default = "golden-vm"
}

variable "memory_mib" {
  type    = number
  default = 1024
}

variable "vcpus" {
  type    = number
  default = 2
}

variable "disk_bytes" {
  description = "Size of the VM's disk; at least the golden image's virtual size"
  type        = number
  default     = 8589934592
}

variable "uefi_firmware" {
  description = "OVMF code file on the libvirt host (golden images boot under UEFI)"
  type        = string
  default     = "/usr/share/OVMF/OVMF_CODE_4M.fd"
}
