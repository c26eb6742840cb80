#include "project/configschema.h"

#include "project/projectconfig.h"
#include "project/yamlnode.h"

#include <QHash>
#include <QRegularExpression>

#include <cmath>
#include <optional>

namespace ktx {

namespace {

using Type = FieldSpec::Type;

FieldSpec scalar(Type type)
{
    FieldSpec spec;
    spec.type = type;
    return spec;
}
FieldSpec str()
{
    return scalar(Type::String);
}
FieldSpec boolean()
{
    return scalar(Type::Boolean);
}
FieldSpec strList()
{
    return scalar(Type::StringList);
}
FieldSpec regexList()
{
    return scalar(Type::RegexList);
}
FieldSpec integer(double min, double max = std::numeric_limits<double>::infinity())
{
    FieldSpec spec = scalar(Type::Integer);
    spec.minimum = min;
    spec.maximum = max;
    return spec;
}
FieldSpec number(double min, double max)
{
    FieldSpec spec = scalar(Type::Number);
    spec.minimum = min;
    spec.maximum = max;
    return spec;
}
FieldSpec choice(QStringList values, bool backendStyle = false)
{
    FieldSpec spec = str();
    spec.choices = std::move(values);
    spec.backendStyle = backendStyle;
    return spec;
}
FieldSpec object(std::vector<std::pair<QString, FieldSpec>> fields, bool open = false)
{
    FieldSpec spec = scalar(Type::Object);
    spec.fields = std::move(fields);
    spec.open = open;
    return spec;
}
FieldSpec map(FieldSpec values, QStringList keyChoices = {})
{
    FieldSpec spec = scalar(Type::Map);
    spec.values = std::make_shared<FieldSpec>(std::move(values));
    spec.keyChoices = std::move(keyChoices);
    return spec;
}
FieldSpec withRequired(FieldSpec spec, QStringList required)
{
    spec.required = std::move(required);
    return spec;
}

FieldSpec endpoint()
{
    return object({{QStringLiteral("api_key"), str()}, {QStringLiteral("base_url"), str()}});
}

FieldSpec embeddings()
{
    return object({
        {QStringLiteral("backend"),
         choice({QStringLiteral("none"), QStringLiteral("openai"),
                 QStringLiteral("sentence-transformers")},
                true)},
        {QStringLiteral("model"), str()},
        {QStringLiteral("dimensions"), integer(1, 65536)},
        {QStringLiteral("openai"), endpoint()},
        {QStringLiteral("sentenceTransformers"),
         object({{QStringLiteral("base_url"), str()}, {QStringLiteral("pathPrefix"), str()}})},
        {QStringLiteral("batchSize"), integer(1, 4096)},
    });
}

FieldSpec buildProjectSchema()
{
    const FieldSpec ttl = choice({QStringLiteral("5m"), QStringLiteral("1h")});
    FieldSpec validationBudget = scalar(Type::IntegerOrAll);
    validationBudget.minimum = 0;

    FieldSpec connections = map(FieldSpec {}); // values validated per driver
    connections.keyHint = QStringLiteral(
        "Connection ids use letters, digits, `_` and `-`, and start with a letter, digit or `_`.");

    FieldSpec models = map(str(), LlmConfig::roles());

    return object({
        {QStringLiteral("setup"), object({{QStringLiteral("database_connection_ids"), strList()}})},
        {QStringLiteral("connections"), connections},
        {QStringLiteral("storage"),
         object({
             {QStringLiteral("state"),
              choice({QStringLiteral("sqlite"), QStringLiteral("postgres")})},
             {QStringLiteral("search"),
              choice({QStringLiteral("sqlite-fts5"), QStringLiteral("postgres-hybrid")})},
             {QStringLiteral("git"), object({{QStringLiteral("author"), str()}})},
         })},
        {QStringLiteral("llm"),
         object({
             {QStringLiteral("provider"),
              object({
                  {QStringLiteral("backend"), choice(LlmConfig::backends(), true)},
                  {QStringLiteral("anthropic"), endpoint()},
                  {QStringLiteral("vertex"),
                   withRequired(object({{QStringLiteral("project"), str()},
                                        {QStringLiteral("location"), str()}}),
                                {QStringLiteral("location")})},
                  {QStringLiteral("gateway"), endpoint()},
                  {QStringLiteral("openaiCompatible"), endpoint()},
              })},
             {QStringLiteral("models"), models},
             {QStringLiteral("promptCaching"),
              object({
                  {QStringLiteral("enabled"), boolean()},
                  {QStringLiteral("systemTtl"), ttl},
                  {QStringLiteral("toolsTtl"), ttl},
                  {QStringLiteral("historyTtl"), ttl},
                  {QStringLiteral("vertexFallbackTo5m"), boolean()},
              })},
         })},
        {QStringLiteral("ingest"),
         object({
             {QStringLiteral("adapters"), strList()},
             {QStringLiteral("embeddings"), embeddings()},
             {QStringLiteral("workUnits"),
              object({
                  {QStringLiteral("stepBudget"), integer(1, 1000)},
                  {QStringLiteral("maxConcurrency"), integer(1, 64)},
                  {QStringLiteral("failureMode"),
                   choice({QStringLiteral("abort"), QStringLiteral("continue")})},
              })},
             {QStringLiteral("rateLimit"),
              object({
                  {QStringLiteral("enabled"), boolean()},
                  {QStringLiteral("throttleThreshold"), number(0, 1)},
                  {QStringLiteral("minConcurrencyUnderPressure"), integer(1, 64)},
                  {QStringLiteral("maxWaitMs"), integer(0)},
                  {QStringLiteral("retry"),
                   object({
                       {QStringLiteral("maxAttempts"), integer(1, 100)},
                       {QStringLiteral("baseDelayMs"), integer(0)},
                       {QStringLiteral("maxDelayMs"), integer(0)},
                       {QStringLiteral("jitter"), boolean()},
                   })},
              })},
             {QStringLiteral("profile"), scalar(Type::BooleanOrJson)},
         })},
        {QStringLiteral("scan"),
         object({
             {QStringLiteral("enrichment"),
              object({
                  {QStringLiteral("mode"),
                   choice({QStringLiteral("none"), QStringLiteral("deterministic"),
                           QStringLiteral("llm")})},
                  {QStringLiteral("embeddings"), embeddings()},
              })},
             {QStringLiteral("relationships"),
              object({
                  {QStringLiteral("enabled"), boolean()},
                  {QStringLiteral("llmProposals"), boolean()},
                  {QStringLiteral("validationRequiredForManifest"), boolean()},
                  {QStringLiteral("acceptThreshold"), number(0, 1)},
                  {QStringLiteral("reviewThreshold"), number(0, 1)},
                  {QStringLiteral("maxLlmTablesPerBatch"), integer(1)},
                  {QStringLiteral("maxCandidatesPerColumn"), integer(1)},
                  {QStringLiteral("profileSampleRows"), integer(1)},
                  {QStringLiteral("profileConcurrency"), integer(1, 64)},
                  {QStringLiteral("validationConcurrency"), integer(1, 64)},
                  {QStringLiteral("validationBudget"), validationBudget},
                  {QStringLiteral("detectionBudgetMs"), integer(0)},
              })},
         })},
        {QStringLiteral("agent"),
         object({{QStringLiteral("run_research"),
                  object({
                      {QStringLiteral("enabled"), boolean()},
                      {QStringLiteral("max_iterations"), integer(1, 1000)},
                      {QStringLiteral("default_toolset"), strList()},
                  })}})},
        {QStringLiteral("review"),
         object({{QStringLiteral("mode"),
                  choice({QStringLiteral("auto"), QStringLiteral("review")})}})},
    });
}

// connections.<id>.context.queryHistory, as the original documents it (ktx
// spec 3.2.1, internals 3.5); a typo inside it is a warning, a bad value an error.
FieldSpec queryHistory()
{
    FieldSpec days = integer(1, 3650);
    return object({
        {QStringLiteral("enabled"), boolean()},
        {QStringLiteral("windowDays"), days},
        {QStringLiteral("minExecutions"), integer(1)},
        {QStringLiteral("enabledSchemas"), strList()},
        {QStringLiteral("enabledTables"), strList()},
        {QStringLiteral("filters"),
         object({
             {QStringLiteral("dropTrivialProbes"), boolean()},
             {QStringLiteral("serviceAccounts"),
              object({{QStringLiteral("patterns"), regexList()},
                      {QStringLiteral("mode"),
                       choice({QStringLiteral("exclude"), QStringLiteral("include"),
                               QStringLiteral("mark-only")})}})},
             {QStringLiteral("orchestrators"), object({}, true)},
             {QStringLiteral("dropFailedBelow"), object({}, true)},
         })},
        {QStringLiteral("redactionPatterns"), regexList()},
        {QStringLiteral("staleArchiveAfterDays"), days},
        {QStringLiteral("modeledTableCatalog"), scalar(Type::Any)},
        {QStringLiteral("scopeFloorWarnings"), scalar(Type::Any)},
    });
}

QHash<QString, FieldSpec> buildConnectionSchemas()
{
    // Warehouse and context-source connections are open objects: fields listed
    // here are checked; others pass through to the connector untouched.
    const auto warehouse = [](std::vector<std::pair<QString, FieldSpec>> fields) {
        fields.insert(
            fields.begin(),
            {{QStringLiteral("driver"), str()},
             {QStringLiteral("url"), str()},
             {QStringLiteral("enabled_tables"), strList()},
             // Ours: the original has only the enabled_tables allowlist.
             {QStringLiteral("excluded_tables"), strList()},
             {QStringLiteral("context"),
              object({{QStringLiteral("queryHistory"), queryHistory()}}, true)},
             {QStringLiteral("query_timeout_ms"), integer(1)},
             {QStringLiteral("maxConnections"), integer(1, 1000)},
             {QStringLiteral("query_policy"),
              choice({QStringLiteral("read-only-sql"), QStringLiteral("semantic-layer-only")})}});
        return object(std::move(fields), true);
    };
    const FieldSpec port = integer(1, 65535);
    QHash<QString, FieldSpec> schemas;
    const auto serverFields = [&] {
        return std::vector<std::pair<QString, FieldSpec>> {
            {QStringLiteral("host"), str()},     {QStringLiteral("port"), port},
            {QStringLiteral("database"), str()}, {QStringLiteral("username"), str()},
            {QStringLiteral("user"), str()},     {QStringLiteral("password"), str()},
            {QStringLiteral("schema"), str()},   {QStringLiteral("schemas"), strList()},
        };
    };
    auto postgres = serverFields();
    postgres.push_back({QStringLiteral("sslmode"),
                        choice({QStringLiteral("disable"), QStringLiteral("allow"),
                                QStringLiteral("prefer"), QStringLiteral("require"),
                                QStringLiteral("verify-ca"), QStringLiteral("verify-full")})});
    schemas.insert(QStringLiteral("postgres"), warehouse(postgres));
    schemas.insert(QStringLiteral("mysql"), warehouse(serverFields()));
    schemas.insert(QStringLiteral("sqlserver"), warehouse(serverFields()));
    schemas.insert(QStringLiteral("clickhouse"),
                   warehouse({{QStringLiteral("password"), str()},
                              {QStringLiteral("database"), str()},
                              {QStringLiteral("databases"), strList()}}));
    schemas.insert(QStringLiteral("snowflake"),
                   warehouse({{QStringLiteral("account"), str()},
                              {QStringLiteral("warehouse"), str()},
                              {QStringLiteral("database"), str()},
                              {QStringLiteral("username"), str()},
                              {QStringLiteral("password"), str()},
                              {QStringLiteral("role"), str()},
                              {QStringLiteral("schema_names"), strList()},
                              {QStringLiteral("schema_name"), str()}}));
    schemas.insert(QStringLiteral("bigquery"),
                   warehouse({{QStringLiteral("credentials_json"), str()},
                              {QStringLiteral("location"), str()},
                              {QStringLiteral("project_id"), str()},
                              {QStringLiteral("dataset_ids"), strList()},
                              {QStringLiteral("dataset_id"), str()}}));
    schemas.insert(QStringLiteral("sqlite"), warehouse({{QStringLiteral("path"), str()}}));
    schemas.insert(QStringLiteral("duckdb"), warehouse({{QStringLiteral("path"), str()}}));
    schemas.insert(QStringLiteral("mongodb"),
                   warehouse({{QStringLiteral("databases"), strList()},
                              {QStringLiteral("sample_size"), integer(1)}}));
    schemas.insert(QStringLiteral("athena"), warehouse({{QStringLiteral("databases"), strList()}}));
    schemas.insert(QStringLiteral("databricks"),
                   warehouse({{QStringLiteral("schema_names"), strList()}}));

    const auto source
        = [](std::vector<std::pair<QString, FieldSpec>> fields, QStringList required = {}) {
              fields.insert(fields.begin(), {QStringLiteral("driver"), str()});
              FieldSpec spec = object(std::move(fields), true);
              spec.required = std::move(required);
              return spec;
          };
    schemas.insert(QStringLiteral("dbt"),
                   source({{QStringLiteral("source_dir"), str()},
                           {QStringLiteral("repo_url"), str()},
                           {QStringLiteral("branch"), str()},
                           {QStringLiteral("path"), str()},
                           {QStringLiteral("auth_token_ref"), str()},
                           {QStringLiteral("profiles_path"), str()},
                           {QStringLiteral("target"), str()},
                           {QStringLiteral("project_name"), str()}}));
    schemas.insert(QStringLiteral("metricflow"),
                   source({{QStringLiteral("metricflow"),
                            withRequired(object({{QStringLiteral("repoUrl"), str()},
                                                 {QStringLiteral("branch"), str()},
                                                 {QStringLiteral("path"), str()},
                                                 {QStringLiteral("auth_token_ref"), str()}},
                                                true),
                                         {QStringLiteral("repoUrl")})}},
                          {QStringLiteral("metricflow")}));
    schemas.insert(QStringLiteral("lookml"),
                   source({{QStringLiteral("repoUrl"), str()},
                           {QStringLiteral("branch"), str()},
                           {QStringLiteral("path"), str()},
                           {QStringLiteral("auth_token_ref"), str()}},
                          {QStringLiteral("repoUrl")}));
    schemas.insert(QStringLiteral("looker"),
                   source({{QStringLiteral("base_url"), str()},
                           {QStringLiteral("client_id"), str()},
                           {QStringLiteral("client_secret"), str()},
                           {QStringLiteral("client_secret_ref"), str()}},
                          {QStringLiteral("base_url"), QStringLiteral("client_id")}));
    schemas.insert(QStringLiteral("metabase"),
                   source({{QStringLiteral("api_url"), str()},
                           {QStringLiteral("api_key"), str()},
                           {QStringLiteral("api_key_ref"), str()}},
                          {QStringLiteral("api_url")}));
    schemas.insert(
        QStringLiteral("notion"),
        source({{QStringLiteral("auth_token"), str()},
                {QStringLiteral("auth_token_ref"), str()},
                {QStringLiteral("crawl_mode"),
                 choice({QStringLiteral("selected_roots"), QStringLiteral("all_accessible")})},
                {QStringLiteral("root_page_ids"), strList()},
                {QStringLiteral("root_database_ids"), strList()},
                {QStringLiteral("root_data_source_ids"), strList()},
                {QStringLiteral("max_pages_per_run"), integer(1, 10000)},
                {QStringLiteral("max_knowledge_creates_per_run"), integer(0, 25)},
                {QStringLiteral("max_knowledge_updates_per_run"), integer(0, 100)}}));
    schemas.insert(QStringLiteral("sigma"),
                   source({{QStringLiteral("client_id"), str()},
                           {QStringLiteral("client_secret_ref"), str()},
                           {QStringLiteral("api_url"), str()}},
                          {QStringLiteral("client_id")}));
    schemas.insert(QStringLiteral("gdrive"),
                   source({{QStringLiteral("service_account_key_ref"), str()},
                           {QStringLiteral("folder_id"), str()},
                           {QStringLiteral("recursive"), boolean()}},
                          {QStringLiteral("folder_id")}));
    schemas.insert(QStringLiteral("jira"),
                   source({{QStringLiteral("base_url"), str()},
                           {QStringLiteral("email"), str()},
                           {QStringLiteral("api_token"), str()},
                           {QStringLiteral("api_token_ref"), str()},
                           {QStringLiteral("projects"), strList()},
                           {QStringLiteral("labels"), strList()},
                           {QStringLiteral("since"), str()}},
                          {QStringLiteral("base_url"), QStringLiteral("projects")}));
    return schemas;
}

QString describe(const YamlNode &node)
{
    switch (node.kind) {
    case YamlNode::Kind::Mapping:
        return QStringLiteral("a mapping");
    case YamlNode::Kind::Sequence:
        return QStringLiteral("a list");
    case YamlNode::Kind::Alias:
        return QStringLiteral("an alias");
    case YamlNode::Kind::Scalar:
        return node.isNull() ? QStringLiteral("nothing") : QStringLiteral("\"%1\"").arg(node.text);
    }
    return {};
}

QString formatNumber(double value)
{
    return QString::number(value, 'g', 12);
}

class Validator
{
public:
    Validator(QString file, ConfigIssues &issues)
        : m_file(std::move(file))
        , m_issues(issues)
    { }

    void object(const YamlNode &node, const FieldSpec &spec, const QString &path)
    {
        if (!node.isMapping()) {
            if (node.isNull())
                return; // `llm:` with nothing: the defaults apply
            error(node, path,
                  QStringLiteral("%1: expected a mapping, got %2").arg(path, describe(node)),
                  QStringLiteral("Write `%1:` followed by indented `key: value` lines.").arg(path));
            return;
        }
        for (const YamlEntry &entry : node.entries) {
            const QString key = entry.key.text;
            const QString childPath = path.isEmpty() ? key : path + QLatin1Char('.') + key;
            if (const FieldSpec *child = spec.field(key))
                value(entry.value, *child, childPath);
            else if (!spec.open)
                warning(entry.key, childPath,
                        QStringLiteral("Unsupported %1: unknown field (ignored)").arg(childPath),
                        QStringLiteral("Unknown to this ktx version; it is ignored. Delete it from "
                                       "ktx.yaml when convenient."));
        }
        for (const QString &required : spec.required) {
            const YamlNode *child = node.find(required);
            if (!child || child->isNull()) {
                const QString childPath = path + QLatin1Char('.') + required;
                error(node, childPath, QStringLiteral("%1: required").arg(childPath),
                      QStringLiteral("Add `%1:` to the `%2` block.").arg(required, path));
            }
        }
    }

    void value(const YamlNode &node, const FieldSpec &spec, const QString &path)
    {
        if (path == QLatin1String("connections")) {
            connections(node);
            return;
        }
        switch (spec.type) {
        case Type::Any:
            return;
        case Type::Object:
            object(node, spec, path);
            return;
        case Type::Map:
            mapping(node, spec, path);
            return;
        case Type::StringList:
            stringList(node, path);
            return;
        case Type::RegexList:
            stringList(node, path);
            regexes(node, path);
            return;
        case Type::String:
            string(node, spec, path);
            return;
        case Type::Boolean:
            if (!ConfigSchema::toBool(node))
                error(
                    node, path,
                    QStringLiteral("%1: expected true or false, got %2").arg(path, describe(node)),
                    QStringLiteral("Write `true` or `false`."));
            return;
        case Type::BooleanOrJson:
            if (!ConfigSchema::toBool(node)
                && !(node.isScalar() && node.text == QLatin1String("json")))
                error(node, path,
                      QStringLiteral("%1: expected true, false or json, got %2")
                          .arg(path, describe(node)),
                      QStringLiteral("Write `true`, `false` or `json`."));
            return;
        case Type::IntegerOrAll:
            if (node.isScalar() && node.text == QLatin1String("all"))
                return;
            numeric(node, spec, path, true, QStringLiteral("`all` or "));
            return;
        case Type::Integer:
            numeric(node, spec, path, true, {});
            return;
        case Type::Number:
            numeric(node, spec, path, false, {});
            return;
        }
    }

private:
    void connections(const YamlNode &node)
    {
        const QString path = QStringLiteral("connections");
        if (node.isNull())
            return;
        if (!node.isMapping()) {
            error(node, path,
                  QStringLiteral("connections: expected a mapping of connection ids, got %1")
                      .arg(describe(node)),
                  QStringLiteral("Write each connection as `<id>:` under `connections:` with its "
                                 "`driver:` indented below."));
            return;
        }
        static const QRegularExpression idPattern(QStringLiteral("^[A-Za-z0-9_][A-Za-z0-9_-]*$"));
        for (const YamlEntry &entry : node.entries) {
            const QString id = entry.key.text;
            const QString connectionPath = path + QLatin1Char('.') + id;
            if (!idPattern.match(id).hasMatch())
                error(entry.key, connectionPath,
                      QStringLiteral("%1: invalid connection id \"%2\"").arg(connectionPath, id),
                      QStringLiteral("Connection ids use letters, digits, `_` and `-`, and start "
                                     "with a letter, digit or `_`."));
            else if (id == QLatin1String("_ktx_federated"))
                error(entry.key, connectionPath,
                      QStringLiteral("%1: the id _ktx_federated is reserved").arg(connectionPath),
                      QStringLiteral("Choose another id; ktx derives _ktx_federated itself."));
            const YamlNode &body = entry.value;
            if (!body.isMapping()) {
                error(body, connectionPath,
                      QStringLiteral("%1: expected a mapping, got %2")
                          .arg(connectionPath, describe(body)),
                      QStringLiteral(
                          "Give the connection a `driver:` and its fields, indented under `%1:`.")
                          .arg(id));
                continue;
            }
            const YamlNode *driver = body.find(QStringLiteral("driver"));
            const QString driverPath = connectionPath + QStringLiteral(".driver");
            if (!driver || driver->isNull()) {
                error(driver ? *driver : entry.key, driverPath,
                      QStringLiteral("%1: required").arg(driverPath),
                      QStringLiteral(
                          "Add `driver:` (for example `driver: sqlite` or `driver: postgres`)."));
                continue;
            }
            const FieldSpec *schema = ConfigSchema::connectionSchema(driver->text);
            if (!schema) {
                QStringList all
                    = ProjectConfig::warehouseDrivers() + ProjectConfig::contextSourceDrivers();
                error(*driver, driverPath,
                      QStringLiteral("Unsupported %1: %2").arg(driverPath, driver->text),
                      QStringLiteral("Use one of: %1.").arg(all.join(QStringLiteral(", "))));
                continue;
            }
            object(body, *schema, connectionPath);
        }
    }

    void mapping(const YamlNode &node, const FieldSpec &spec, const QString &path)
    {
        if (node.isNull())
            return;
        if (!node.isMapping()) {
            error(node, path,
                  QStringLiteral("%1: expected a mapping, got %2").arg(path, describe(node)),
                  QStringLiteral("Write `%1:` followed by indented `key: value` lines.").arg(path));
            return;
        }
        for (const YamlEntry &entry : node.entries) {
            const QString childPath = path + QLatin1Char('.') + entry.key.text;
            if (!spec.keyChoices.isEmpty() && !spec.keyChoices.contains(entry.key.text)) {
                error(entry.key, childPath,
                      QStringLiteral("%1: unknown key \"%2\"").arg(childPath, entry.key.text),
                      QStringLiteral("Use one of: %1.")
                          .arg(spec.keyChoices.join(QStringLiteral(", "))));
                continue;
            }
            value(entry.value, *spec.values, childPath);
            if (spec.values->type == Type::String && entry.value.isNull())
                error(entry.value, childPath,
                      QStringLiteral("%1: must not be empty").arg(childPath),
                      QStringLiteral("Give it a value or delete the line."));
        }
    }

    void stringList(const YamlNode &node, const QString &path)
    {
        if (node.isNull())
            return;
        if (!node.isSequence()) {
            error(node, path,
                  QStringLiteral("%1: expected a list, got %2").arg(path, describe(node)),
                  QStringLiteral("Write a list: `[a, b]` or one `- item` per line."));
            return;
        }
        for (size_t i = 0; i < node.items.size(); ++i) {
            const YamlNode &item = node.items[i];
            if (!item.isScalar() || item.isNull())
                error(item, QStringLiteral("%1[%2]").arg(path).arg(i),
                      QStringLiteral("%1[%2]: expected text, got %3")
                          .arg(path)
                          .arg(i)
                          .arg(describe(item)),
                      QStringLiteral("Each list entry must be a plain value."));
        }
    }

    void regexes(const YamlNode &node, const QString &path)
    {
        if (!node.isSequence())
            return;
        for (size_t i = 0; i < node.items.size(); ++i) {
            const YamlNode &item = node.items[i];
            if (!item.isScalar() || item.isNull())
                continue;
            const QRegularExpression re(item.text);
            if (!re.isValid())
                error(item, QStringLiteral("%1[%2]").arg(path).arg(i),
                      QStringLiteral("%1[%2]: invalid regular expression \"%3\": %4 at offset %5")
                          .arg(path)
                          .arg(i)
                          .arg(item.text, re.errorString())
                          .arg(re.patternErrorOffset()),
                      QStringLiteral("Write a regular expression, e.g. '^svc_' or "
                                     "'^(etl|loader)_bot$'; escape ( [ { with a backslash."));
        }
    }

    void string(const YamlNode &node, const FieldSpec &spec, const QString &path)
    {
        if (!node.isScalar()) {
            error(node, path, QStringLiteral("%1: expected text, got %2").arg(path, describe(node)),
                  QStringLiteral("Write a single value after `%1:`.")
                      .arg(path.section(QLatin1Char('.'), -1)));
            return;
        }
        if (spec.choices.isEmpty() || node.isNull())
            return;
        if (!spec.choices.contains(node.text)) {
            const QString message = spec.backendStyle
                ? QStringLiteral("Unsupported %1: %2").arg(path, node.text)
                : QStringLiteral("%1: must be one of %2, got \"%3\"")
                      .arg(path, spec.choices.join(QStringLiteral(", ")), node.text);
            error(node, path, message,
                  QStringLiteral("Use one of: %1.").arg(spec.choices.join(QStringLiteral(", "))));
        }
    }

    void numeric(const YamlNode &node, const FieldSpec &spec, const QString &path, bool integral,
                 const QString &alternatives)
    {
        std::optional<double> number;
        if (integral) {
            if (const auto whole = ConfigSchema::toInteger(node))
                number = double(*whole);
        } else {
            number = ConfigSchema::toNumber(node);
        }
        const QString kind
            = integral ? QStringLiteral("a whole number") : QStringLiteral("a number");
        QString range;
        if (std::isfinite(spec.minimum) && std::isfinite(spec.maximum))
            range = QStringLiteral(" between %1 and %2")
                        .arg(formatNumber(spec.minimum), formatNumber(spec.maximum));
        else if (std::isfinite(spec.minimum))
            range = QStringLiteral(" of at least %1").arg(formatNumber(spec.minimum));
        if (!number) {
            error(node, path,
                  QStringLiteral("%1: expected %2%3, got %4")
                      .arg(path, alternatives, kind, describe(node)),
                  QStringLiteral("Write %1%2%3.").arg(alternatives, kind, range));
            return;
        }
        if (number.value() < spec.minimum || number.value() > spec.maximum)
            error(node, path, QStringLiteral("%1: %2 is out of range").arg(path, node.text),
                  QStringLiteral("Write %1%2.").arg(kind, range));
    }

    void error(const YamlNode &node, const QString &path, const QString &message,
               const QString &fix)
    {
        add(ConfigIssue::Severity::Error, node, path, message, fix);
    }
    void warning(const YamlNode &node, const QString &path, const QString &message,
                 const QString &fix)
    {
        add(ConfigIssue::Severity::Warning, node, path, message, fix);
    }
    void add(ConfigIssue::Severity severity, const YamlNode &node, const QString &path,
             const QString &message, const QString &fix)
    {
        m_issues.append(
            ConfigIssue {severity, path, message, fix, m_file, node.start.line, node.start.column});
    }

    QString m_file;
    ConfigIssues &m_issues;
};

} // namespace

const FieldSpec *FieldSpec::field(const QString &name) const
{
    for (const auto &entry : fields)
        if (entry.first == name)
            return &entry.second;
    return nullptr;
}

const FieldSpec &ConfigSchema::projectSchema()
{
    static const FieldSpec schema = buildProjectSchema();
    return schema;
}

const FieldSpec *ConfigSchema::connectionSchema(const QString &driver)
{
    static const QHash<QString, FieldSpec> schemas = buildConnectionSchemas();
    const auto it = schemas.constFind(driver);
    return it == schemas.constEnd() ? nullptr : &*it;
}

void ConfigSchema::validate(const YamlNode &root, const QString &file, ConfigIssues &issues)
{
    Validator validator(file, issues);
    validator.object(root, projectSchema(), QString());
}

std::optional<bool> ConfigSchema::toBool(const YamlNode &node)
{
    if (!node.isScalar() || node.scalarStyle != YamlNode::ScalarStyle::Plain)
        return std::nullopt;
    static const QStringList yes
        = {QStringLiteral("true"), QStringLiteral("True"), QStringLiteral("TRUE")};
    static const QStringList no
        = {QStringLiteral("false"), QStringLiteral("False"), QStringLiteral("FALSE")};
    if (yes.contains(node.text))
        return true;
    if (no.contains(node.text))
        return false;
    return std::nullopt;
}

std::optional<qint64> ConfigSchema::toInteger(const YamlNode &node)
{
    if (!node.isScalar() || node.scalarStyle != YamlNode::ScalarStyle::Plain)
        return std::nullopt;
    bool ok = false;
    QString text = node.text;
    text.remove(QLatin1Char('_'));
    const qint64 value = text.toLongLong(&ok, 10);
    return ok ? std::optional<qint64>(value) : std::nullopt;
}

std::optional<double> ConfigSchema::toNumber(const YamlNode &node)
{
    if (!node.isScalar() || node.scalarStyle != YamlNode::ScalarStyle::Plain)
        return std::nullopt;
    bool ok = false;
    const double value = node.text.toDouble(&ok);
    return ok && std::isfinite(value) ? std::optional<double>(value) : std::nullopt;
}

} // namespace ktx
