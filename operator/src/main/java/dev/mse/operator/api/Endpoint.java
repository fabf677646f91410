package dev.mse.operator.api;

import java.util.List;

/**
 * One route: a method, a path template ({@code /api/v1/apps/{id}}), whether it needs a token, and
 * the code that answers.
 */
record Endpoint(String method, String template, boolean authenticated, Action action) {
  /** The code behind an endpoint. */
  @FunctionalInterface
  interface Action {
    Reply handle(Call call) throws Exception;
  }

  List<String> segments() {
    return List.of(template.substring(1).split("/", -1));
  }
}
