#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QStringList>

namespace ktx {

// Checks a JSON value against the subset of JSON Schema that tool input schemas
// use: type (one or a list), properties, required, additionalProperties, items,
// enum, const, minimum/maximum (and exclusive forms), minLength/maxLength,
// minItems/maxItems, pattern, anyOf/oneOf/allOf. Keywords outside that subset are
// ignored rather than guessed at. Each problem is one sentence that starts with
// the JSON pointer of the offending value, so a model can correct its call.
class JsonSchemaCheck
{
public:
    static QStringList problems(const QJsonObject &schema, const QJsonValue &value);
};

} // namespace ktx
