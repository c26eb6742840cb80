#pragma once

#include "project/configissue.h"

#include <QString>
#include <QStringList>

#include <limits>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace ktx {

struct YamlNode;

// A declarative description of ktx.yaml: which keys exist, what each holds, which
// values are allowed. validate() walks a parsed file against it and reports every
// unknown key (warning) and invalid value (error) with its line and column.
struct FieldSpec
{
    enum class Type {
        String,
        Integer,
        Number,
        Boolean,
        StringList,
        RegexList, // a list of regular expressions, each of which must compile
        Object,
        Map,
        IntegerOrAll,
        BooleanOrJson,
        Any
    };

    Type type = Type::Any;
    QStringList choices; // allowed values of a String
    bool backendStyle = false; // report as "Unsupported <path>: <value>"
    double minimum = -std::numeric_limits<double>::infinity();
    double maximum = std::numeric_limits<double>::infinity();
    bool open = false; // Object: keys not listed are passed through silently
    std::vector<std::pair<QString, FieldSpec>> fields; // Object
    QStringList required; // Object
    std::shared_ptr<FieldSpec> values; // Map
    QStringList keyChoices; // Map: allowed keys (empty: any)
    QString keyHint; // Map: what a key must look like
    QString hint; // extra advice for an invalid value

    const FieldSpec *field(const QString &name) const;
};

class ConfigSchema
{
public:
    // The schema of the whole ktx.yaml.
    static const FieldSpec &projectSchema();
    // The known fields of one connection driver; nullptr for an unknown driver.
    static const FieldSpec *connectionSchema(const QString &driver);

    static void validate(const YamlNode &root, const QString &file, ConfigIssues &issues);

    // Shared by the validator and the typed loader, so both read values alike.
    static std::optional<bool> toBool(const YamlNode &node);
    static std::optional<qint64> toInteger(const YamlNode &node);
    static std::optional<double> toNumber(const YamlNode &node);
};

} // namespace ktx
