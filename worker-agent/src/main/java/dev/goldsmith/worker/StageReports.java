package dev.goldsmith.worker;

import dev.goldsmith.api.StageReport;
import dev.goldsmith.worker.protocol.ControlPlane;
import dev.goldsmith.worker.protocol.Retry;
import dev.goldsmith.worker.stages.BuildContext;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How a build's stages report to the control plane: tried again through a short outage, or once, quietly. */
final class StageReports {

    private static final Logger log = LoggerFactory.getLogger(StageReports.class);
    private static final int MAX_DETAIL = 1900;

    private final ControlPlane controlPlane;
    private final Duration leaseTtl;

    StageReports(ControlPlane controlPlane, Duration leaseTtl) {
        this.controlPlane = controlPlane;
        this.leaseTtl = leaseTtl;
    }

    /** A stage report, tried again through a short control-plane outage (the build goes on meanwhile). */
    void report(BuildContext build, String stage, String status, String detail) throws IOException,
            StopSignal.StoppedException, InterruptedException {
        build.stop().check();
        Retry.untilAnswered("report of " + stage + " " + status, () -> {
            controlPlane.stage(build.lease(), stage, new StageReport(status, detail));
            return null;
        }, leaseTtl, () -> build.stop().reason() != null);
    }

    /** A failure's report, masked and cut to what the control plane takes; one that does not go through is let go. */
    void reportQuietly(BuildContext build, String stage, String status, String detail) {
        try {
            String masked = detail == null ? null : build.log().mask(detail);
            controlPlane.stage(build.lease(), stage, new StageReport(status, masked == null ? null
                    : masked.length() > MAX_DETAIL ? masked.substring(0, MAX_DETAIL) : masked));
        } catch (IOException e) {
            log.debug("stage report failed: {}", e.getMessage());
        }
    }
}
