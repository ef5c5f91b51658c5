# A VM on libvirt from the golden image a Goldsmith channel points at.
#
# Terraform reads the channel from the registry (data "http" + jsondecode), creates a libvirt volume from the
# download link the registry answers (fetched by the libvirt provider without a token), checks that the link
# serves the digest the registry names, and boots a copy-on-write clone of it under UEFI.
#
#   terraform init
#   terraform apply -var goldsmith_url=https://goldsmith.example.com -var goldsmith_token="$GOLDSMITH_TOKEN"
#
# Promoting another version into the channel replaces the golden volume (its name is the version) and the VM
# on the next apply; revoking the version moves the channel back to the last good one.

terraform {
  required_version = ">= 1.5"
  required_providers {
    http = {
      source  = "hashicorp/http"
      version = "~> 3.4"
    }
    libvirt = {
      source  = "dmacvicar/libvirt"
      version = "~> 0.8"
    }
  }
}

provider "libvirt" {
  uri = var.libvirt_uri
}

# What the team's channel points at now.
data "http" "golden" {
  url = "${var.goldsmith_url}/api/v1/registry/${var.distro}/${var.profile}/${var.channel}"
  request_headers = {
    Accept        = "application/json"
    Authorization = "Bearer ${var.goldsmith_token}"
  }

  lifecycle {
    postcondition {
      condition     = self.status_code == 200
      error_message = "channel ${var.channel} of ${var.distro}/${var.profile} points at no image (HTTP ${self.status_code})"
    }
  }
}

locals {
  golden = jsondecode(data.http.golden.response_body)
  qcow2  = local.golden.artifacts.qcow2
}

# The download link must serve the file the registry names: its ETag is the file's sha256.
data "http" "golden_qcow2" {
  url    = local.qcow2.url
  method = "HEAD"

  lifecycle {
    postcondition {
      condition     = self.status_code == 200 && trim(lookup(self.response_headers, "Etag", ""), "\"") == local.qcow2.sha256
      error_message = "download link of ${local.golden.name} does not serve sha256 ${local.qcow2.sha256} (HTTP ${self.status_code})"
    }
  }
}

# The golden image, once per version: the name changes with the version, so a promotion replaces it.
resource "libvirt_volume" "golden" {
  name   = "${local.golden.name}.qcow2"
  pool   = var.pool
  source = data.http.golden_qcow2.url
  format = "qcow2"
}

# The VM's own disk: a copy-on-write clone of the golden image.
resource "libvirt_volume" "root" {
  name           = "${var.vm_name}-root.qcow2"
  pool           = var.pool
  base_volume_id = libvirt_volume.golden.id
  size           = var.disk_bytes
}

resource "libvirt_domain" "vm" {
  name     = var.vm_name
  memory   = var.memory_mib
  vcpu     = var.vcpus
  firmware = var.uefi_firmware
  machine  = "q35"

  disk {
    volume_id = libvirt_volume.root.id
  }

  network_interface {
    network_name   = var.network
    wait_for_lease = false
  }

  console {
    type        = "pty"
    target_type = "serial"
    target_port = "0"
  }

  lifecycle {
    replace_triggered_by = [libvirt_volume.golden]
  }
}

output "golden_version" {
  description = "The image version the VM was created from"
  value       = local.golden.version
}

output "golden_sha256" {
  description = "sha256 of the qcow2 file, as the registry and its signed provenance name it"
  value       = local.qcow2.sha256
}

output "golden_provenance_url" {
  description = "The version's signed SLSA provenance (DSSE envelope)"
  value       = local.golden.provenanceUrl
}

output "golden_pinned_url" {
  description = "This version in the registry, to pin it instead of following the channel"
  value       = local.golden.versionUrl
}
