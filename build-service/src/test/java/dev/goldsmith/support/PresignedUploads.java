package dev.goldsmith.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldsmith.api.ArtifactUpload;
import dev.goldsmith.api.PartUrl;
import dev.goldsmith.api.UploadedPart;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What a worker does with an {@link ArtifactUpload}: a plain HTTP PUT of each part to its presigned URL. */
public final class PresignedUploads {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    private PresignedUploads() {
    }

    /** PUTs {@code content} part by part and returns the parts with the ETags the store answered. */
    public static List<UploadedPart> put(ArtifactUpload upload, byte[] content) {
        List<UploadedPart> uploaded = new ArrayList<>();
        for (PartUrl part : upload.parts()) {
            int from = (int) ((part.partNumber() - 1) * upload.partSize());
            int length = (int) Math.min(upload.partSize(), content.length - from);
            HttpResponse<String> response = send(part.url(), content, from, length);
            assertThat(response.statusCode()).as("PUT part %d: %s", part.partNumber(), response.body()).isEqualTo(200);
            uploaded.add(new UploadedPart(part.partNumber(), response.headers().firstValue("ETag").orElseThrow()));
        }
        return uploaded;
    }

    private static HttpResponse<String> send(String url, byte[] content, int from, int length) {
        try {
            return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(content, from, length)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
