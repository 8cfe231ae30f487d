package io.zabtx.coordinator.api.rest;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.zabtx.coordinator.api.CoordinatorApi;
import org.junit.jupiter.api.Test;
import org.springdoc.core.configuration.SpringDocConfiguration;
import org.springdoc.core.properties.SpringDocConfigProperties;
import org.springdoc.webmvc.core.configuration.SpringDocWebMvcConfiguration;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.autoconfigure.web.servlet.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/** The OpenAPI document (springdoc's own configuration imported into the slice) lists the API. */
@WebMvcTest(controllers = {TransactionController.class, ClusterController.class})
@ImportAutoConfiguration({
  SpringDocConfiguration.class,
  SpringDocConfigProperties.class,
  SpringDocWebMvcConfiguration.class
})
@Import(OpenApiConfig.class)
class OpenApiDocumentTest {

  @Autowired MockMvc mvc;

  @MockitoBean CoordinatorApi coordinator;

  @Test
  void apiDocsListEveryPathWithProblemResponses() throws Exception {
    mvc.perform(get("/v3/api-docs"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.info.title").value("ZabTX coordinator API"))
        .andExpect(jsonPath("$.paths['/api/v1/transactions'].post.responses['201']").exists())
        .andExpect(jsonPath("$.paths['/api/v1/transactions'].get").exists())
        .andExpect(jsonPath("$.paths['/api/v1/transactions/{xid}'].get").exists())
        .andExpect(jsonPath("$.paths['/api/v1/transactions/{xid}/commit'].post").exists())
        .andExpect(jsonPath("$.paths['/api/v1/transactions/{xid}/rollback'].post").exists())
        .andExpect(jsonPath("$.paths['/api/v1/cluster'].get").exists())
        .andExpect(
            jsonPath(
                    "$.paths['/api/v1/transactions/{xid}/commit'].post.responses['409']"
                        + ".content['application/problem+json'].schema.$ref")
                .value("#/components/schemas/Problem"))
        .andExpect(
            jsonPath(
                    "$.paths['/api/v1/cluster'].get.responses['503']"
                        + ".content['application/problem+json'].schema.$ref")
                .value("#/components/schemas/Problem"))
        .andExpect(jsonPath("$.components.schemas.Problem.properties.code").exists());
  }

  @Test
  void pathsOutsideTheApiKeepSpringsDefaultErrors() throws Exception {
    mvc.perform(post("/v3/api-docs"))
        .andExpect(status().isMethodNotAllowed())
        .andExpect(content().string(""));
  }
}
