package dev.mse.operator.store;

import dev.mse.operator.testing.TestDatabase;

class StorePostgresTest extends AbstractStoreTest {
  @Override
  TestDatabase.Kind kind() {
    return TestDatabase.Kind.POSTGRES;
  }
}
