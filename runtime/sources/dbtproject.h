#pragma once

#include "core/result.h"
#include "sources/contextsource.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace ktx {

// One data test as dbt declares it: `unique`, `not_null`, `accepted_values`,
// `relationships` (package "dbt") or a package test such as `dbt_utils.expression_is_true`.
struct DbtTest
{
    QString name;
    QString package;
    QJsonObject kwargs; // the test's arguments as written (values, to, field, ...)
};

struct DbtColumn
{
    QString name;
    QString description;
    QString dataType;
    QStringList tags;
    QList<DbtTest> tests;
};

// A dbt model or a table of a dbt source, with what the project says about it.
struct DbtNode
{
    enum class Kind { Model, Source };

    Kind kind = Kind::Model;
    QString name; // the model name, or the source table name
    QString sourceName; // sources only: the `sources[].name` it belongs to
    QString alias; // the relation it builds or reads (alias / identifier); defaults to name
    QString schema; // the relation's schema when known: manifest, config, or the source's schema
    QString customSchema; // models: `+schema` from config, before dbt prefixes the target schema
    QString database;
    QString description;
    QStringList tags;
    QList<DbtColumn> columns;
    QList<DbtTest> tests; // model-level tests
    QJsonObject config;
    QJsonObject freshness; // sources: warn_after / error_after / filter
    QString loadedAtField;
    QString path; // where it is declared: the properties file, else the SQL file
    int line = 0;
    QString sqlPath;
    bool fromManifest = false;

    const DbtColumn *column(const QString &columnName) const;
};

// A dbt project read from its folder: dbt_project.yml, the properties YAML and
// model files under the model paths, doc blocks, and target/manifest.json when
// present (its compiled schema/alias are authoritative for relations). Reading
// never stops at a bad file: each problem is recorded with its location and the
// rest of the project is still read.
class DbtProject
{
public:
    static Result<DbtProject> load(const QString &rootDir);
    // The same read over files held in memory (path relative to the root ->
    // bytes), e.g. the previous sync's evidence.
    static Result<DbtProject> fromFiles(const QMap<QString, QByteArray> &files);

    QString name; // dbt_project.yml `name`
    QStringList modelPaths;
    QString targetSchema; // from profiles.yml when present
    bool hasManifest = false;
    QList<DbtNode> models; // sorted by name
    QList<DbtNode> sources; // sorted by source name, then table name
    QStringList filesRead; // relative to the root, sorted
    QList<SourceFileIssue> errors;
    QList<SkippedItem> skipped;

    const DbtNode *model(const QString &modelName) const;
    const DbtNode *source(const QString &sourceName, const QString &tableName) const;
    int yamlFileCount() const; // properties files read (work-unit planning)
};

} // namespace ktx
