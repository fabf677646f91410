package dev.mse.operator.api;

import dev.mse.operator.testing.TestDatabase;

class ApiPostgresTest extends AbstractApiTest {
  @Override
  TestDatabase.Kind kind() {
    return TestDatabase.Kind.POSTGRES;
  }
}
