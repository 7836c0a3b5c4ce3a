package dev.shuttle.cli;

import java.io.InputStream;
import java.io.PrintStream;

/** The standard streams a command reads and writes: the process's, or a test's. */
record Terminal(InputStream in, PrintStream out, PrintStream err) {}
