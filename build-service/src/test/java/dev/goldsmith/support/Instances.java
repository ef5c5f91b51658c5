package dev.goldsmith.support;

import dev.goldsmith.GoldsmithApplication;
import java.util.Arrays;
import java.util.stream.Stream;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** Extra instances of the service, for tests of restarts, several replicas or other configurations. */
public final class Instances {

    private Instances() {
    }

    /**
     * Starts the service on a free port with these {@code key=value} settings. They go in as command-line
     * arguments: as builder "default properties" they would lose to application.yaml ({@code server.port},
     * {@code goldsmith.data-dir}).
     */
    public static ConfigurableApplicationContext start(String... settings) {
        String[] args = Stream.concat(Stream.of("server.port=0"), Arrays.stream(settings))
                .map(setting -> "--" + setting)
                .toArray(String[]::new);
        return new SpringApplicationBuilder(GoldsmithApplication.class).run(args);
    }

    public static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }
}
