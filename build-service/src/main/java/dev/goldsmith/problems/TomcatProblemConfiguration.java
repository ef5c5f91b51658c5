package dev.goldsmith.problems;

import org.apache.catalina.Host;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import tools.jackson.databind.json.JsonMapper;

/** Puts {@link ProblemErrorReportValve} in place of the error report valve Spring Boot gives Tomcat's host. */
@Configuration(proxyBeanMethods = false)
class TomcatProblemConfiguration {

    @Bean
    ProblemErrorReports problemErrorReports(JsonMapper json) {
        return new ProblemErrorReports(json);
    }

    /** Runs after Spring Boot's own customizer, whose context customizer adds the plain valve replaced here. */
    record ProblemErrorReports(JsonMapper json)
            implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory>, Ordered {

        @Override
        public void customize(ConfigurableTomcatWebServerFactory factory) {
            factory.addContextCustomizers(context -> {
                if (context.getParent() instanceof Host host) {
                    for (Valve valve : host.getPipeline().getValves()) {
                        if (valve instanceof ErrorReportValve) {
                            host.getPipeline().removeValve(valve);
                        }
                    }
                    if (host instanceof StandardHost standard) {
                        // Otherwise the host adds a plain one of its own when it starts.
                        standard.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
                    }
                    host.getPipeline().addValve(new ProblemErrorReportValve(json));
                }
            });
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }
}
