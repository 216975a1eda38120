using System.Linq;
using System.Text.Json;
using Ally.Structured;
using Xunit;

namespace Ally.Tests
{
    /// <summary>Ally's own check of answers against a JSON Schema.</summary>
    public class JsonSchemaCheckTests
    {
        private const string Person = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"minLength\":1}," +
            "\"age\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":150},\"tags\":{\"type\":\"array\",\"items\":{\"enum\":[\"a\",\"b\"]},\"uniqueItems\":true}," +
            "\"kind\":{\"$ref\":\"#/$defs/kind\"}},\"required\":[\"name\",\"age\"],\"additionalProperties\":false,\"$defs\":{\"kind\":{\"const\":\"person\"}}}";

        private static string[] Problems(string schema, string json)
        {
            using JsonDocument d = JsonDocument.Parse(json);
            return JsonSchemaCheck.Parse(schema).Problems(d.RootElement).ToArray();
        }

        [Fact]
        public void AcceptsAMatchingValue() => Assert.Empty(Problems(Person, "{\"name\":\"Ann\",\"age\":30,\"tags\":[\"a\",\"b\"],\"kind\":\"person\"}"));

        [Theory]
        [InlineData("{\"name\":\"Ann\"}", "$: the property \"age\" is missing")]
        [InlineData("{\"name\":\"Ann\",\"age\":\"old\"}", "$.age: should be a whole number, not \"old\"")]
        [InlineData("{\"name\":\"Ann\",\"age\":30.5}", "$.age: should be a whole number, not 30.5")]
        [InlineData("{\"name\":\"Ann\",\"age\":200}", "$.age: should be at most 150")]
        [InlineData("{\"name\":\"\",\"age\":1}", "$.name: should have at least 1 characters")]
        [InlineData("{\"name\":\"Ann\",\"age\":1,\"extra\":1}", "$: the property \"extra\" is not allowed")]
        [InlineData("{\"name\":\"Ann\",\"age\":1,\"tags\":[\"c\"]}", "$.tags[0]: should be one of \"a\", \"b\", not \"c\"")]
        [InlineData("{\"name\":\"Ann\",\"age\":1,\"tags\":[\"a\",\"a\"]}", "$.tags: should not repeat \"a\"")]
        [InlineData("{\"name\":\"Ann\",\"age\":1,\"kind\":\"dog\"}", "$.kind: should be \"person\"")]
        [InlineData("[1]", "$: should be an object, not a list")]
        public void NamesWhatDoesNotMatch(string json, string problem) => Assert.Contains(problem, Problems(Person, json));

        [Fact]
        public void ChecksAnyOfAndTypeLists()
        {
            const string schema = "{\"anyOf\":[{\"type\":\"string\"},{\"type\":[\"integer\",\"null\"]}]}";
            Assert.Empty(Problems(schema, "null"));
            Assert.Empty(Problems(schema, "\"x\""));
            Assert.Single(Problems(schema, "true"));
        }

        [Theory]
        [InlineData("[]", "a schema is a JSON object")]
        [InlineData("{\"type\":\"thing\"}", "$.type should be one of")]
        [InlineData("{\"required\":\"name\"}", "$.required should be a list of property names")]
        [InlineData("{\"properties\":{\"a\":{\"$ref\":\"#/$defs/nope\"}}}", "does not point into the schema")]
        [InlineData("{\"pattern\":\"(\"}", "$.pattern should be a regular expression")]
        [InlineData("{nope", "it is not JSON")]
        public void RefusesASchemaItCannotUse(string schema, string why)
        {
            AllyException ex = Assert.Throws<AllyException>(() => JsonSchemaCheck.Parse(schema));
            Assert.Equal(ErrorIds.InvalidSchema, ex.Id);
            Assert.Contains(why, ex.Message);
        }

        [Fact]
        public void AnswerCheckAcceptsACodeFenceAndRefusesProse()
        {
            StructuredAnswer answer = StructuredAnswer.ForSchema("{\"type\":\"object\",\"required\":[\"a\"]}");
            Assert.Equal("{\"a\":1}", answer.Check("```json\n{\"a\":1}\n```", out _));
            Assert.Null(answer.Check("Sure! Here it is: {\"a\":1}", out var problems));
            Assert.Contains("not JSON", problems.Single());
        }
    }
}
