package dev.goldsmith.api;

/** {@code POST /api/v1/leases/{leaseId}/stages/{stage}}: a stage started ({@code RUNNING}) or ended. */
public record StageReport(String status, String detail) {
}
