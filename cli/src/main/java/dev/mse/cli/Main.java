package dev.mse.cli;

/** Entry point of the {@code mse} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println("mse");
  }
}
