using System.Linq;
using System.Text.Json;
using Ally.Providers.OpenAI;
using Xunit;

namespace Ally.Tests
{
    public class OpenRouterCatalogTests
    {
        [Fact]
        public void ReadsPricesContextAndParameters()
        {
            const string json = @"{""data"":[
              {""id"":""openai/gpt-4"",""name"":""GPT-4"",""created"":1692901234,""context_length"":8192,
               ""architecture"":{""input_modalities"":[""text""],""output_modalities"":[""text""]},
               ""pricing"":{""prompt"":""0.00003"",""completion"":""0.00006"",""image"":""0"",""request"":""0""},
               ""top_provider"":{""context_length"":8192,""max_completion_tokens"":4096,""is_moderated"":true},
               ""supported_parameters"":[""tools"",""temperature""]},
              {""id"":""x/unknown-context"",""context_length"":null,""pricing"":{""prompt"":""-1"",""completion"":""-1""},
               ""top_provider"":{""context_length"":null},""supported_parameters"":null},
              {""name"":""no id is skipped""}
            ],""total_count"":3}";
            using JsonDocument doc = JsonDocument.Parse(json);
            var models = OpenAICatalog.Parse(doc.RootElement, "openrouter");
            Assert.Equal(2, models.Count);
            CatalogModelInfo gpt4 = models[0];
            Assert.Equal("openai/gpt-4", gpt4.Name);
            Assert.Equal("openrouter", gpt4.Provider);
            Assert.Equal(8192, gpt4.ContextLength);
            Assert.Equal(30m, gpt4.PromptPrice);
            Assert.Equal(60m, gpt4.CompletionPrice);
            Assert.Equal(4096, gpt4.MaxCompletionTokens);
            Assert.True(gpt4.SupportsTools);
            Assert.False(gpt4.IsFree);
            Assert.Equal(2023, gpt4.Created!.Value.Year);
            CatalogModelInfo odd = models[1];
            Assert.Null(odd.ContextLength);
            Assert.Null(odd.PromptPrice);
            Assert.Empty(odd.SupportedParameters);
        }

        [Fact]
        public void AnAnswerWithoutDataIsEmpty()
        {
            using JsonDocument doc = JsonDocument.Parse(@"{""error"":{""code"":500,""message"":""boom""}}");
            Assert.Empty(OpenAICatalog.Parse(doc.RootElement, "openrouter"));
        }
    }
}
