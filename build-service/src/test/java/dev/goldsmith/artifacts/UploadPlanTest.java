package dev.goldsmith.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UploadPlanTest {

    private static final long MIB = 1024 * 1024;
    private static final long GIB = 1024 * MIB;

    @Test
    void smallFileIsOnePart() {
        assertThat(UploadPlan.of(1, 16 * MIB)).isEqualTo(new UploadPlan(16 * MIB, 1));
        assertThat(UploadPlan.of(16 * MIB, 16 * MIB)).isEqualTo(new UploadPlan(16 * MIB, 1));
    }

    @Test
    void oneByteMoreThanAPartTakesASecondPart() {
        assertThat(UploadPlan.of(16 * MIB + 1, 16 * MIB).parts()).isEqualTo(2);
    }

    @Test
    void largestDefaultFileFitsInTheDefaultPartSize() {
        assertThat(UploadPlan.of(64 * GIB, 16 * MIB)).isEqualTo(new UploadPlan(16 * MIB, 4096));
    }

    @Test
    void fileTooLargeForTenThousandPartsGetsLargerWholeMebibyteParts() {
        UploadPlan plan = UploadPlan.of(1024 * GIB, 16 * MIB);

        assertThat(plan.parts()).isLessThanOrEqualTo(UploadPlan.MAX_PARTS);
        assertThat(plan.partSize() % MIB).isZero();
        assertThat(plan.partSize() * plan.parts()).isGreaterThanOrEqualTo(1024 * GIB);
    }
}
