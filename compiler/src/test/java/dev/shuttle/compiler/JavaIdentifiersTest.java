package dev.shuttle.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JavaIdentifiersTest {
  @Test
  void lowerCamelFollowsProtobufJava() {
    assertEquals("getRandom", JavaIdentifiers.lowerCamel("GetRandom"));
    assertEquals("getRandom", JavaIdentifiers.lowerCamel("get_random"));
    assertEquals("getRandom", JavaIdentifiers.lowerCamel("getRandom"));
    // Only the very first letter is lowered; protoc keeps the rest of an acronym.
    assertEquals("hTTPGet", JavaIdentifiers.lowerCamel("HTTPGet"));
    assertEquals("getV2Data", JavaIdentifiers.lowerCamel("get_v2_data"));
    assertEquals("sayHello2U", JavaIdentifiers.lowerCamel("say_hello2u"));
  }

  @Test
  void lowerCamelAlwaysGivesAnIdentifierStart() {
    assertEquals("_", JavaIdentifiers.lowerCamel("_"));
    assertEquals("_1Up", JavaIdentifiers.lowerCamel("_1up"));
    assertEquals("leading", JavaIdentifiers.lowerCamel("_leading"));
    assertEquals("leading", JavaIdentifiers.lowerCamel("__Leading"));
  }

  @Test
  void fileNamesCamelCaseWithACapital() {
    assertEquals("RouteGuide", JavaIdentifiers.underscoresToCamelCase("route_guide", true));
    assertEquals("HelloWorld", JavaIdentifiers.underscoresToCamelCase("hello-world", true));
    assertEquals("FooBar", JavaIdentifiers.underscoresToCamelCase("foo.bar", true));
    assertEquals("Test", JavaIdentifiers.underscoresToCamelCase("test", true));
    assertEquals("V1Api", JavaIdentifiers.underscoresToCamelCase("v1api", true));
  }

  @Test
  void upperSnakeSplitsWords() {
    assertEquals("GET_RANDOM", JavaIdentifiers.upperSnake("GetRandom"));
    assertEquals("GET_RANDOM", JavaIdentifiers.upperSnake("get_random"));
    assertEquals("GET_RANDOM_ASYNC", JavaIdentifiers.upperSnake("GetRandomAsync"));
    assertEquals("HTTP_SERVER", JavaIdentifiers.upperSnake("HTTPServer"));
    assertEquals("GET_V2_DATA", JavaIdentifiers.upperSnake("GetV2Data"));
    assertEquals("CLASS", JavaIdentifiers.upperSnake("Class"));
    assertEquals("A", JavaIdentifiers.upperSnake("a"));
    assertEquals("_", JavaIdentifiers.upperSnake("_"));
  }

  @Test
  void keywordsAndLiteralsAreNotIdentifiers() {
    for (String word : new String[] {"class", "default", "new", "true", "false", "null", "_", "goto", "enum"}) {
      assertFalse(JavaIdentifiers.isIdentifier(word), word);
    }
    for (String word : new String[] {"getRandom", "class_", "record", "var", "yield", "$x", "__"}) {
      assertTrue(JavaIdentifiers.isIdentifier(word), word);
    }
    assertFalse(JavaIdentifiers.isIdentifier(""));
    assertFalse(JavaIdentifiers.isIdentifier("1up"));
  }

  @Test
  void firstSegmentOfAQualifiedName() {
    assertEquals("com", JavaIdentifiers.firstSegment("com.google.protobuf.Empty"));
    assertEquals("Lone", JavaIdentifiers.firstSegment("Lone"));
  }
}
