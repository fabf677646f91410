package dev.mse.operator.api;

import dev.mse.operator.testing.TestDatabase;

class ApiH2Test extends AbstractApiTest {
  @Override
  TestDatabase.Kind kind() {
    return TestDatabase.Kind.H2;
  }
}
