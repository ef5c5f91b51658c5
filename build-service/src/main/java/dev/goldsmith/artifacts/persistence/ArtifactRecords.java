package dev.goldsmith.artifacts.persistence;

import dev.goldsmith.api.ArtifactView;
import dev.goldsmith.artifacts.StoredArtifact;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Pending uploads ({@code artifact_uploads}) and verified artifacts ({@code build_artifacts}) of builds. */
@Repository
public class ArtifactRecords {

    private final JdbcClient jdbc;

    public ArtifactRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** What a build's files must be: its image name and the formats it asked for. */
    public record BuildTarget(String imageName, List<String> formats) {
    }

    /** A multipart upload a lease started and has not completed. */
    public record PendingUpload(UUID buildId, String format, int attempt, String uploadId, String objectKey, long size,
            long partSize) {
    }

    /** An upload that no running attempt will complete any more. */
    public record AbandonedUpload(UUID buildId, String format, String uploadId, String objectKey) {
    }

    public BuildTarget target(UUID buildId) {
        String imageName = jdbc.sql("select image_name from builds where id = ?").param(buildId)
                .query(String.class).single();
        List<String> formats = jdbc.sql("select jsonb_array_elements_text(formats) from builds where id = ?")
                .param(buildId).query(String.class).list();
        return new BuildTarget(imageName, formats);
    }

    public Optional<PendingUpload> pending(UUID buildId, String format) {
        return jdbc.sql("""
                        select attempt, upload_id, object_key, size, part_size from artifact_uploads
                         where build_id = ? and format = ?
                        """)
                .params(buildId, format)
                .query((rs, n) -> new PendingUpload(buildId, format, rs.getInt(1), rs.getString(2), rs.getString(3),
                        rs.getLong(4), rs.getLong(5)))
                .optional();
    }

    /** Records a started upload in place of any earlier one for the same build and format. */
    public void savePending(PendingUpload upload) {
        jdbc.sql("""
                        insert into artifact_uploads (build_id, format, attempt, upload_id, object_key, size, part_size)
                        values (?, ?, ?, ?, ?, ?, ?)
                        on conflict (build_id, format) do update
                           set attempt = excluded.attempt, upload_id = excluded.upload_id,
                               object_key = excluded.object_key, size = excluded.size,
                               part_size = excluded.part_size, created_at = now()
                        """)
                .params(upload.buildId(), upload.format(), upload.attempt(), upload.uploadId(), upload.objectKey(),
                        upload.size(), upload.partSize())
                .update();
    }

    public void forgetPending(UUID buildId, String format, String uploadId) {
        jdbc.sql("delete from artifact_uploads where build_id = ? and format = ? and upload_id = ?")
                .params(buildId, format, uploadId)
                .update();
    }

    /** Uploads whose build ended or moved on to another attempt. */
    public List<AbandonedUpload> abandoned(int limit) {
        return jdbc.sql("""
                        select u.build_id, u.format, u.upload_id, u.object_key
                          from artifact_uploads u join builds b on b.id = u.build_id
                         where b.status <> 'RUNNING' or b.attempt <> u.attempt
                         order by u.created_at limit ?
                        """)
                .param(limit)
                .query((rs, n) -> new AbandonedUpload(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                        rs.getString(4)))
                .list();
    }

    /** Records a file the control plane verified in the store, for the attempt that uploaded it. */
    public void saveVerified(UUID buildId, int attempt, ArtifactView artifact, String objectKey) {
        jdbc.sql("""
                        insert into build_artifacts (build_id, format, file_name, sha256, size, object_key, attempt,
                                                     stored_at)
                        values (?, ?, ?, ?, ?, ?, ?, now())
                        on conflict (build_id, format) do update
                           set file_name = excluded.file_name, sha256 = excluded.sha256, size = excluded.size,
                               object_key = excluded.object_key, attempt = excluded.attempt,
                               stored_at = excluded.stored_at
                        """)
                .params(buildId, artifact.format(), artifact.fileName(), artifact.sha256(), artifact.size(),
                        objectKey, attempt)
                .update();
    }

    /** Forgets the artifact of a format that this attempt stored and whose object was just deleted. */
    public void forgetVerified(UUID buildId, String format, int attempt) {
        jdbc.sql("delete from build_artifacts where build_id = ? and format = ? and attempt = ?")
                .params(buildId, format, attempt).update();
    }

    /** Whether a multipart upload is one a lease recorded (and so is not an orphan). */
    public boolean uploadRecorded(String uploadId) {
        return jdbc.sql("select exists (select 1 from artifact_uploads where upload_id = ?)").param(uploadId)
                .query(Boolean.class).single();
    }

    /** Every verified file of the build (stored by whichever attempt stored it last), by format. */
    public List<StoredArtifact> stored(UUID buildId) {
        return jdbc.sql("""
                        select format, file_name, sha256, size, object_key from build_artifacts
                         where build_id = ? and object_key is not null order by format
                        """)
                .param(buildId)
                .query((rs, n) -> new StoredArtifact(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                        rs.getString(5)))
                .list();
    }

    /** The artifacts verified in the store by this attempt. */
    public List<ArtifactView> verified(UUID buildId, int attempt) {
        return jdbc.sql("""
                        select format, file_name, sha256, size from build_artifacts
                         where build_id = ? and attempt = ? and object_key is not null order by format
                        """)
                .params(buildId, attempt)
                .query((rs, n) -> new ArtifactView(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)))
                .list();
    }
}
