using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace SdPortal.Web.Api;

/// <summary>
/// Describes every enum in the OpenAPI document as the strings the API accepts and returns (the names, see
/// <see cref="Errors.DefinedEnumConverterFactory"/>); the document generator cannot see through a custom converter.
/// </summary>
internal static class EnumSchemas
{
    public static Task DescribeAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        var nullable = Nullable.GetUnderlyingType(type) is not null;
        if ((Nullable.GetUnderlyingType(type) ?? type) is { IsEnum: true } enumType)
        {
            schema.Type = nullable ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
            schema.Format = null;
            schema.Enum = [.. Enum.GetNames(enumType).Select(name => (JsonNode)name)];
        }

        return Task.CompletedTask;
    }
}
