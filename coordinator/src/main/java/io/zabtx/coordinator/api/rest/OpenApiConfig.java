package io.zabtx.coordinator.api.rest;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI document's header; springdoc serves it at /v3/api-docs and /swagger-ui.html. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfig {

  @Bean
  OpenAPI zabtxOpenApi() {
    return new OpenAPI()
        .info(
            new Info()
                .title("ZabTX coordinator API")
                .version("v1")
                .description(
                    "Begin, commit, roll back and inspect 2PC / 3PC global transactions. Any node"
                        + " answers; a follower forwards what only the leader can answer. Status"
                        + " and enum values are the zabtx.v1 enum names; instants are ISO-8601"
                        + " UTC. Errors are application/problem+json with a stable code."));
  }
}
