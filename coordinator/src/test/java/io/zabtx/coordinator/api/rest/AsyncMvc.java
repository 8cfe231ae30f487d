package io.zabtx.coordinator.api.rest;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;

import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.RequestBuilder;
import org.springframework.test.web.servlet.ResultActions;

/** Performs a request and, if the controller went asynchronous, the dispatch of its result. */
final class AsyncMvc {

  private AsyncMvc() {}

  static ResultActions perform(MockMvc mvc, RequestBuilder request) throws Exception {
    ResultActions first = mvc.perform(request);
    MvcResult result = first.andReturn();
    return result.getRequest().isAsyncStarted() ? mvc.perform(asyncDispatch(result)) : first;
  }
}
