using System.Text.Json;
using System.Text.Json.Serialization;

namespace SdPortal.Web.Errors;

/// <summary>
/// Enums in the API's JSON travel by name only, and only as a name the enum defines (case-insensitive). The framework's
/// string-enum converter also takes numbers, digit strings and comma lists ("Member, Owner"), each of which can name a
/// value that exists in no role or status (role 99 acted as an admin; status 7 suspended a tenant).
/// </summary>
public sealed class DefinedEnumConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(DefinedEnumConverter<>).MakeGenericType(typeToConvert))!;
}

/// <summary>The converter <see cref="DefinedEnumConverterFactory"/> makes for <typeparamref name="TEnum"/>.</summary>
public sealed class DefinedEnumConverter<TEnum> : JsonConverter<TEnum>
    where TEnum : struct, Enum
{
    private static readonly string[] Names = Enum.GetNames<TEnum>();

    public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String ? Parse(reader.GetString()) : throw Undefined();

    public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Name(value));

    public override TEnum ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Parse(reader.GetString());

    public override void WriteAsPropertyName(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) =>
        writer.WritePropertyName(Name(value));

    private static TEnum Parse(string? text) =>
        Names.FirstOrDefault(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase)) is { } name
            ? Enum.Parse<TEnum>(name)
            : throw Undefined();

    private static string Name(TEnum value) =>
        Enum.IsDefined(value) ? value.ToString() : throw new JsonException($"{typeof(TEnum).Name} {value} is not a defined value.");

    private static UndefinedEnumValueException Undefined() => new($"must be one of {string.Join(", ", Names)}");
}

/// <summary>A JSON value that names no member of its enum; its message is written for the caller.</summary>
public sealed class UndefinedEnumValueException(string message) : JsonException(message);
