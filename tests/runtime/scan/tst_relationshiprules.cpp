#include "db/queryresult.h"
#include "db/schemasnapshot.h"
#include "db/sqldialect.h"
#include "scan/columnprofile.h"
#include "scan/englishinflector.h"
#include "scan/relationshipcandidategenerator.h"
#include "scan/relationshipdiscovery.h"
#include "scan/relationshipgraphresolver.h"
#include "scan/relationshipscorer.h"
#include "scan/relationshipvalidator.h"

#include <QJsonArray>
#include <QTest>

using namespace ktx;

namespace {

TableRef ref(const QString &name)
{
    return {QString(), QStringLiteral("main"), name};
}

SchemaColumn col(const QString &name, const QString &type = QStringLiteral("INTEGER"),
                 bool primaryKey = false)
{
    SchemaColumn c;
    c.name = name;
    c.nativeType = type;
    c.normalizedType = type.toLower();
    c.dimensionType = type == u"TEXT" ? QStringLiteral("string") : QStringLiteral("number");
    c.primaryKey = primaryKey;
    c.nullable = !primaryKey;
    return c;
}

SchemaColumn pk(const QString &name, const QString &type = QStringLiteral("INTEGER"))
{
    return col(name, type, true);
}

SchemaTable table(const QString &name, const QList<SchemaColumn> &columns, qint64 rows = 100)
{
    SchemaTable t;
    t.ref = ref(name);
    t.columns = columns;
    t.exactRows = rows;
    return t;
}

// A schema in the shapes relationship discovery has to handle.
SchemaSnapshot shopSnapshot()
{
    SchemaSnapshot snapshot;
    snapshot.connectionId = QStringLiteral("shop");
    snapshot.driver = QStringLiteral("sqlite");
    snapshot.tables = {
        table(QStringLiteral("customers"),
              {pk(QStringLiteral("customer_id")),
               col(QStringLiteral("email"), QStringLiteral("TEXT")),
               col(QStringLiteral("referred_by_customer_id"))}),
        table(QStringLiteral("product_categories"),
              {pk(QStringLiteral("category_id")),
               col(QStringLiteral("category_name"), QStringLiteral("TEXT")),
               col(QStringLiteral("parent_category_id"))},
              16),
        table(QStringLiteral("orders"),
              {pk(QStringLiteral("order_id")), col(QStringLiteral("customer_id")),
               col(QStringLiteral("coupon_code"), QStringLiteral("TEXT"))}),
        table(QStringLiteral("plans"), {pk(QStringLiteral("plan_code"), QStringLiteral("TEXT"))},
              5),
        table(QStringLiteral("subscriptions"),
              {pk(QStringLiteral("subscription_id")),
               col(QStringLiteral("PlanCode"), QStringLiteral("TEXT")),
               col(QStringLiteral("customerId"))}),
        table(QStringLiteral("employees"),
              {pk(QStringLiteral("id")), col(QStringLiteral("manager_id"))}),
        table(QStringLiteral("dim_addresses"), {pk(QStringLiteral("address_id"))}),
        table(QStringLiteral("people"), {pk(QStringLiteral("person_id"))}),
        table(QStringLiteral("deliveries"),
              {pk(QStringLiteral("delivery_id")), col(QStringLiteral("shipping_address_id")),
               col(QStringLiteral("person_id"))}),
        // A table keyed by a column whose name says nothing about the table.
        table(QStringLiteral("ledger"), {pk(QStringLiteral("entry_uuid"), QStringLiteral("TEXT"))}),
        table(QStringLiteral("companies"), {pk(QStringLiteral("company_id"))}),
        table(QStringLiteral("subsidiaries"),
              {pk(QStringLiteral("subsidiary_id")), col(QStringLiteral("parent_company_id"))}),
        table(QStringLiteral("ledger_lines"),
              {pk(QStringLiteral("line_id")),
               col(QStringLiteral("entry_uuid"), QStringLiteral("TEXT"))}),
    };
    return snapshot;
}

Relationship bestCandidate(const QList<Relationship> &candidates, const QString &table,
                           const QString &column)
{
    for (const Relationship &candidate : candidates) { // generate() sorts per column, best first
        if (candidate.from.table.name == table && candidate.from.columns == QStringList {column})
            return candidate;
    }
    return {};
}

Relationship edge(const QString &fromTable, const QString &fromColumn, const QString &toTable,
                  const QString &toColumn, Relationship::Status status, double score,
                  double keyScore = 1.0)
{
    Relationship r;
    r.from = {ref(fromTable), {fromColumn}};
    r.to = {ref(toTable), {toColumn}};
    r.status = status;
    r.score = score;
    r.confidence = score;
    r.targetKeyScore = keyScore;
    return r;
}

} // namespace

class TestRelationshipRules : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void singular_data()
    {
        QTest::addColumn<QString>("plural");
        QTest::addColumn<QString>("singular");
        const char *const pairs[][2] = {
            {"customers", "customer"}, {"categories", "category"}, {"addresses", "address"},
            {"statuses", "status"},    {"people", "person"},       {"status", "status"},
            {"address", "address"},    {"boxes", "box"},           {"matches", "match"},
            {"dishes", "dish"},        {"analyses", "analysis"},   {"children", "child"},
            {"women", "woman"},        {"salesmen", "salesman"},   {"movies", "movie"},
            {"leaves", "leaf"},        {"houses", "house"},        {"warehouses", "warehouse"},
            {"purchases", "purchase"}, {"data", "data"},           {"series", "series"},
            {"quizzes", "quiz"},       {"aliases", "alias"},       {"employees", "employee"},
            {"companies", "company"},  {"buses", "bus"},           {"indices", "index"},
            {"classes", "class"},      {"campuses", "campus"},     {"shoes", "shoe"},
            {"heroes", "hero"},        {"archives", "archive"},    {"criteria", "criterion"},
            {"news", "news"},          {"human", "human"},         {"specimen", "specimen"},
        };
        for (const auto &pair : pairs)
            QTest::addRow("%s", pair[0])
                << QString::fromLatin1(pair[0]) << QString::fromLatin1(pair[1]);
    }

    void singular()
    {
        QFETCH(QString, plural);
        QFETCH(QString, singular);
        QCOMPARE(EnglishInflector::singular(plural), singular);
    }

    void pluralRoundTrips_data()
    {
        QTest::addColumn<QString>("singular");
        QTest::addColumn<QString>("plural");
        const char *const pairs[][2] = {
            {"customer", "customers"}, {"category", "categories"}, {"address", "addresses"},
            {"status", "statuses"},    {"person", "people"},       {"box", "boxes"},
            {"day", "days"},           {"analysis", "analyses"},   {"salesman", "salesmen"},
            {"human", "humans"},       {"data", "data"},           {"child", "children"},
        };
        for (const auto &pair : pairs)
            QTest::addRow("%s", pair[0])
                << QString::fromLatin1(pair[0]) << QString::fromLatin1(pair[1]);
    }

    void pluralRoundTrips()
    {
        QFETCH(QString, singular);
        QFETCH(QString, plural);
        QCOMPARE(EnglishInflector::plural(singular), plural);
        QCOMPARE(EnglishInflector::singular(plural), singular);
    }

    void identifiers()
    {
        QCOMPARE(EnglishInflector::singularIdentifier(QStringLiteral("product_categories")),
                 QStringLiteral("product_category"));
        QCOMPARE(EnglishInflector::pluralIdentifier(QStringLiteral("order_item")),
                 QStringLiteral("order_items"));
        QCOMPARE(RelationshipCandidateGenerator::normalizeIdentifier(QStringLiteral("CustomerID")),
                 QStringLiteral("customer_id"));
        QCOMPARE(RelationshipCandidateGenerator::normalizeIdentifier(QStringLiteral("customerId")),
                 QStringLiteral("customer_id"));
        QCOMPARE(
            RelationshipCandidateGenerator::normalizeIdentifier(QStringLiteral("Order Details")),
            QStringLiteral("order_details"));
        QCOMPARE(
            RelationshipCandidateGenerator::normalizeIdentifier(QStringLiteral("HTTPStatus__Code")),
            QStringLiteral("http_status_code"));
        QCOMPARE(RelationshipCandidateGenerator::tableBaseName(QStringLiteral("dim_Customers")),
                 QStringLiteral("customers"));
    }

    void keyNames_data()
    {
        QTest::addColumn<QString>("column");
        QTest::addColumn<bool>("isKey");
        QTest::addColumn<QString>("base");
        QTest::addColumn<QString>("suffix");
        QTest::addColumn<bool>("self");
        QTest::addRow("id") << "customer_id" << true << "customer"
                            << "id" << false;
        QTest::addRow("key") << "region_key" << true << "region"
                             << "key" << false;
        QTest::addRow("code") << "plan_code" << true << "plan"
                              << "code" << false;
        QTest::addRow("uuid") << "deviceUuid" << true << "device"
                              << "uuid" << false;
        QTest::addRow("parent") << "parent_id" << true << "parent"
                                << "id" << true;
        QTest::addRow("parent prefix") << "parent_category_id" << true << "parent_category"
                                       << "id" << true;
        QTest::addRow("manager") << "manager_id" << true << "manager"
                                 << "id" << true;
        QTest::addRow("reports to") << "reports_to_id" << true << "reports_to"
                                    << "id" << true;
        QTest::addRow("referred by") << "referred_by_customer_id" << true << "referred_by_customer"
                                     << "id" << true;
        QTest::addRow("bare parent") << "parent" << true << "parent"
                                     << "" << true;
        QTest::addRow("plain id") << "id" << false << ""
                                  << "" << false;
        QTest::addRow("not a key") << "status" << false << ""
                                   << "" << false;
        QTest::addRow("idea") << "idea" << false << ""
                              << "" << false;
    }

    void keyNames()
    {
        QFETCH(QString, column);
        QFETCH(bool, isKey);
        QFETCH(QString, base);
        QFETCH(QString, suffix);
        QFETCH(bool, self);
        const auto key = RelationshipCandidateGenerator::keyName(column);
        QCOMPARE(key.has_value(), isKey);
        if (!key)
            return;
        QCOMPARE(key->base, base);
        QCOMPARE(key->suffix, suffix);
        QCOMPARE(key->selfReference, self);
    }

    void tableMatches_data()
    {
        QTest::addColumn<QString>("column");
        QTest::addColumn<QString>("table");
        QTest::addColumn<double>("score");
        QTest::addColumn<QString>("source");
        QTest::addRow("exact") << "customer_id"
                               << "customer" << 1.0 << "normalized_table_match";
        QTest::addRow("plural") << "customer_id"
                                << "customers" << 0.95 << "inflection";
        QTest::addRow("ies") << "category_id"
                             << "categories" << 0.95 << "inflection";
        QTest::addRow("prefix") << "customer_id"
                                << "dim_customers" << 0.95 << "inflection";
        QTest::addRow("last token") << "category_id"
                                    << "product_categories" << 0.85 << "parent_table_name_match";
        QTest::addRow("role dropped") << "referred_by_customer_id"
                                      << "customers" << 0.855 << "inflection";
        QTest::addRow("people") << "person_id"
                                << "people" << 0.95 << "inflection";
        QTest::addRow("no match") << "customer_id"
                                  << "orders" << 0.0 << "";
        // "order" is not "order_items": only trailing tokens of the table name count.
        QTest::addRow("leading token") << "order_id"
                                       << "order_items" << 0.0 << "";
    }

    void tableMatches()
    {
        QFETCH(QString, column);
        QFETCH(QString, table);
        QFETCH(double, score);
        QFETCH(QString, source);
        const auto match = RelationshipCandidateGenerator::matchTable(
            *RelationshipCandidateGenerator::keyName(column), table);
        QVERIFY2(qAbs(match.score - score) < 1e-9, qPrintable(QString::number(match.score)));
        if (!source.isEmpty())
            QCOMPARE(match.sources.constFirst(), source);
    }

    void targetColumnScores()
    {
        SchemaTable customers
            = table(QStringLiteral("customers"),
                    {pk(QStringLiteral("customer_id")), col(QStringLiteral("id")),
                     col(QStringLiteral("customer_key")), col(QStringLiteral("uuid")),
                     col(QStringLiteral("email"), QStringLiteral("TEXT")),
                     col(QStringLiteral("country_code"), QStringLiteral("TEXT")),
                     col(QStringLiteral("segment"), QStringLiteral("TEXT"))});
        TableProfile profile;
        profile.table = customers.ref;
        const auto unique = [](const QString &name, qint64 distinct) {
            ColumnProfile c;
            c.name = name;
            c.sampledRows = 100;
            c.distinctCount = distinct;
            return c;
        };
        profile.columns
            = {unique(QStringLiteral("email"), 100), unique(QStringLiteral("country_code"), 99),
               unique(QStringLiteral("segment"), 4)};
        const auto score = [&](const QString &column) {
            return RelationshipCandidateGenerator::targetColumnScore(customers, column, &profile);
        };
        QCOMPARE(score(QStringLiteral("customer_id")), 1.0);
        QCOMPARE(score(QStringLiteral("id")), 0.92);
        QCOMPARE(score(QStringLiteral("customer_key")), 0.82);
        QCOMPARE(score(QStringLiteral("uuid")), 0.74);
        QCOMPARE(score(QStringLiteral("email")), 0.78);
        QCOMPARE(score(QStringLiteral("country_code")), 0.86);
        QCOMPARE(score(QStringLiteral("segment")), 0.0);
        // Without the declared key, "<table>_id" still reads as the table's key.
        customers.columns.first().primaryKey = false;
        QCOMPARE(score(QStringLiteral("customer_id")), 0.90);
    }

    void candidatesFromNames()
    {
        const SchemaSnapshot snapshot = shopSnapshot();
        const QList<Relationship> candidates
            = RelationshipCandidateGenerator::generate(snapshot, {}, {});

        const auto expectTarget = [&](const QString &fromTable, const QString &fromColumn,
                                      const QString &toTable, const QString &toColumn,
                                      const QString &source) {
            const Relationship best = bestCandidate(candidates, fromTable, fromColumn);
            QVERIFY2(!best.from.table.name.isEmpty(), qPrintable(fromTable + u'.' + fromColumn));
            QCOMPARE(best.to.table.name, toTable);
            QCOMPARE(best.to.columns, QStringList {toColumn});
            QVERIFY2(best.candidateSources.contains(source),
                     qPrintable(best.candidateSources.join(u',')));
            QVERIFY(best.confidence >= 0.72);
            QCOMPARE(best.origin, Relationship::Origin::Inferred);
        };
        expectTarget(QStringLiteral("customers"), QStringLiteral("referred_by_customer_id"),
                     QStringLiteral("customers"), QStringLiteral("customer_id"),
                     QStringLiteral("column_suffix_match"));
        expectTarget(QStringLiteral("product_categories"), QStringLiteral("parent_category_id"),
                     QStringLiteral("product_categories"), QStringLiteral("category_id"),
                     QStringLiteral("self_reference"));
        expectTarget(QStringLiteral("orders"), QStringLiteral("customer_id"),
                     QStringLiteral("customers"), QStringLiteral("customer_id"),
                     QStringLiteral("exact_column_match"));
        expectTarget(QStringLiteral("subscriptions"), QStringLiteral("PlanCode"),
                     QStringLiteral("plans"), QStringLiteral("plan_code"),
                     QStringLiteral("inflection"));
        expectTarget(QStringLiteral("subscriptions"), QStringLiteral("customerId"),
                     QStringLiteral("customers"), QStringLiteral("customer_id"),
                     QStringLiteral("inflection"));
        expectTarget(QStringLiteral("employees"), QStringLiteral("manager_id"),
                     QStringLiteral("employees"), QStringLiteral("id"),
                     QStringLiteral("self_reference"));
        expectTarget(QStringLiteral("deliveries"), QStringLiteral("shipping_address_id"),
                     QStringLiteral("dim_addresses"), QStringLiteral("address_id"),
                     QStringLiteral("column_suffix_match"));
        expectTarget(QStringLiteral("deliveries"), QStringLiteral("person_id"),
                     QStringLiteral("people"), QStringLiteral("person_id"),
                     QStringLiteral("inflection"));
        expectTarget(QStringLiteral("subsidiaries"), QStringLiteral("parent_company_id"),
                     QStringLiteral("companies"), QStringLiteral("company_id"),
                     QStringLiteral("column_suffix_match"));
        expectTarget(QStringLiteral("ledger_lines"), QStringLiteral("entry_uuid"),
                     QStringLiteral("ledger"), QStringLiteral("entry_uuid"),
                     QStringLiteral("exact_column_match"));

        for (const Relationship &candidate : candidates) {
            // Primary keys are not sources; nothing links a column to itself; text
            // never joins integers; "coupon_code" names no table.
            QVERIFY(!(candidate.from.table.name == u"orders"
                      && candidate.from.columns.first() == u"order_id"));
            QVERIFY(candidate.from != candidate.to);
            QVERIFY(candidate.from.columns.first() != u"coupon_code");
            QVERIFY(candidate.to.columns.first() != u"email");
            QVERIFY(candidate.scoringSignals.typeCompatibility > 0.0);
            // "parent_company_id" names the companies, not its own table.
            QVERIFY(!(candidate.from.table.name == u"subsidiaries" && candidate.isSelfReference()));
        }
    }

    void candidatesUseProfiles()
    {
        SchemaSnapshot snapshot;
        snapshot.tables = {
            table(QStringLiteral("countries"),
                  {col(QStringLiteral("iso_code"), QStringLiteral("TEXT")),
                   col(QStringLiteral("name"), QStringLiteral("TEXT"))},
                  200),
            table(QStringLiteral("stores"),
                  {pk(QStringLiteral("store_id")),
                   col(QStringLiteral("country_code"), QStringLiteral("TEXT"))},
                  50),
        };
        const auto profileOf = [](const TableRef &table, const QString &column,
                                  const QStringList &values, qint64 rows) {
            TableProfile profile;
            profile.table = table;
            profile.sampledRows = rows;
            profile.sampleComplete = true;
            ColumnProfile c;
            c.name = column;
            c.sampledRows = rows;
            c.distinctCount = values.size();
            c.sketch = ValueSketch::fromValues(values);
            profile.columns.append(c);
            return profile;
        };
        QStringList codes;
        for (int i = 0; i < 200; ++i)
            codes.append(QStringLiteral("C%1").arg(i));
        const QList<TableProfile> profiles = {
            profileOf(snapshot.tables.at(0).ref, QStringLiteral("iso_code"), codes, 200),
            profileOf(snapshot.tables.at(1).ref, QStringLiteral("country_code"), codes.mid(0, 30),
                      50),
        };
        const QList<Relationship> candidates
            = RelationshipCandidateGenerator::generate(snapshot, profiles, {});
        const Relationship best
            = bestCandidate(candidates, QStringLiteral("stores"), QStringLiteral("country_code"));
        QCOMPARE(best.to.table.name, QStringLiteral("countries"));
        QCOMPARE(best.to.columns, QStringList {QStringLiteral("iso_code")});
        QCOMPARE(best.targetKeyScore, 0.86);
        QVERIFY(best.candidateSources.contains(QStringLiteral("profile_match")));
        QCOMPARE(best.scoringSignals.valueOverlap.value_or(-1), 1.0);
        QCOMPARE(best.scoringSignals.profileUniqueness, 1.0);
    }

    void typeCompatibility()
    {
        const auto compat = [](const QString &a, const QString &b) {
            return RelationshipScorer::typeCompatibility(col(QStringLiteral("a"), a),
                                                         col(QStringLiteral("b"), b));
        };
        QCOMPARE(compat(QStringLiteral("INTEGER"), QStringLiteral("BIGINT")), 1.0);
        QCOMPARE(compat(QStringLiteral("TEXT"), QStringLiteral("varchar(20)")), 1.0);
        QCOMPARE(compat(QStringLiteral("uuid"), QStringLiteral("TEXT")), 0.8);
        QCOMPARE(compat(QStringLiteral("INTEGER"), QStringLiteral("numeric(12,0)")), 1.0);
        QCOMPARE(compat(QStringLiteral("INTEGER"), QStringLiteral("REAL")), 0.6);
        QCOMPARE(compat(QStringLiteral("INTEGER"), QStringLiteral("TEXT")), 0.0);
        QCOMPARE(compat(QStringLiteral("timestamp"), QStringLiteral("INTEGER")), 0.0);
    }

    void confidenceFormula_data()
    {
        QTest::addColumn<double>("name");
        QTest::addColumn<double>("type");
        QTest::addColumn<double>("overlap"); // < 0: not available
        QTest::addColumn<double>("embedding");
        QTest::addColumn<double>("uniqueness");
        QTest::addColumn<double>("nullRate");
        QTest::addColumn<double>("structural");
        QTest::addColumn<double>("confidence");
        QTest::addRow("strong, clamped") << 1.0 << 1.0 << 1.0 << -1.0 << 1.0 << 1.0 << 0.7 << 1.0;
        // (0.24*.5 + .10 + .22*.5 + .08*.5 + .04*.5) / 0.68 = 0.5735 -> 0.56 + 0.65 * 0.5735
        QTest::addRow("no overlap signal")
            << 0.5 << 1.0 << -1.0 << -1.0 << 0.5 << 0.5 << 0.5 << 0.933;
        // only type counts: 0.10 / 1.0 -> 0.56 + 0.065
        QTest::addRow("all signals, only type")
            << 0.0 << 1.0 << 0.0 << 0.0 << 0.0 << 0.0 << 0.0 << 0.625;
        QTest::addRow("incompatible types")
            << 1.0 << 0.0 << 1.0 << -1.0 << 1.0 << 1.0 << 0.7 << 0.0;
        // (.24*.8 + .1 + .22*.2 + .22*.3 + .08 + .04*.4) / 0.9 = 0.5533 -> 0.56 + 0.3597
        QTest::addRow("weak overlap") << 0.8 << 1.0 << 0.2 << -1.0 << 0.3 << 1.0 << 0.4 << 0.92;
    }

    void confidenceFormula()
    {
        QFETCH(double, name);
        QFETCH(double, type);
        QFETCH(double, overlap);
        QFETCH(double, embedding);
        QFETCH(double, uniqueness);
        QFETCH(double, nullRate);
        QFETCH(double, structural);
        QFETCH(double, confidence);
        RelationshipSignals signalValues;
        signalValues.nameSimilarity = name;
        signalValues.typeCompatibility = type;
        if (overlap >= 0)
            signalValues.valueOverlap = overlap;
        if (embedding >= 0)
            signalValues.embeddingSimilarity = embedding;
        signalValues.profileUniqueness = uniqueness;
        signalValues.profileNullRate = nullRate;
        signalValues.structuralPrior = structural;
        QCOMPARE(RelationshipScorer::confidence(signalValues), confidence);
    }

    void statusFromValidation_data()
    {
        QTest::addColumn<double>("confidence");
        QTest::addColumn<double>("keyScore");
        QTest::addColumn<qint64>("childDistinct");
        QTest::addColumn<qint64>("overlap");
        QTest::addColumn<qint64>("parentDistinct");
        QTest::addColumn<qint64>("parentRows");
        QTest::addColumn<double>("acceptThreshold");
        QTest::addColumn<QString>("status");
        QTest::addColumn<double>("score");
        QTest::addColumn<QStringList>("reasons");
        // 0.2*.9 + .3*1 + .4*1 + .1*1
        QTest::addRow("clean") << 0.9 << 1.0 << 100LL << 100LL << 120LL << 120LL << 0.85
                               << "accepted" << 0.98 << QStringList {"validated"};
        // violation ratio exactly 0.01 is allowed: .2*.8 + .3 + .4*.99 + .1*.99
        QTest::addRow("one percent violations")
            << 0.8 << 1.0 << 1000LL << 990LL << 990LL << 990LL << 0.85 << "accepted" << 0.955
            << QStringList {"validated"};
        QTest::addRow("orphans") << 0.9 << 1.0 << 100LL << 80LL << 500LL << 500LL << 0.85
                                 << "rejected" << 0.88
                                 << QStringList {"low_source_coverage", "excessive_violations"};
        QTest::addRow("two percent violations")
            << 0.9 << 1.0 << 100LL << 98LL << 500LL << 500LL << 0.85 << "rejected" << 0.970
            << QStringList {"excessive_violations"};
        // A target that is not unique in the database (0.5) is not a key.
        QTest::addRow("target not unique")
            << 0.9 << 0.78 << 100LL << 100LL << 50LL << 100LL << 0.85 << "rejected" << 0.83
            << QStringList {"low_target_uniqueness"};
        QTest::addRow("stricter threshold")
            << 0.75 << 1.0 << 100LL << 100LL << 100LL << 100LL << 0.99 << "review" << 0.95
            << QStringList {"below_accept_threshold"};
        QTest::addRow("no source values") << 0.9 << 1.0 << 0LL << 0LL << 100LL << 100LL << 0.85
                                          << "rejected" << 0.0 << QStringList {"no_source_values"};
    }

    void statusFromValidation()
    {
        QFETCH(double, confidence);
        QFETCH(double, keyScore);
        QFETCH(qint64, childDistinct);
        QFETCH(qint64, overlap);
        QFETCH(qint64, parentDistinct);
        QFETCH(qint64, parentRows);
        QFETCH(double, acceptThreshold);
        QFETCH(QString, status);
        QFETCH(double, score);
        QFETCH(QStringList, reasons);

        Relationship candidate = edge(QStringLiteral("orders"), QStringLiteral("customer_id"),
                                      QStringLiteral("customers"), QStringLiteral("customer_id"),
                                      Relationship::Status::Review, 0.0, keyScore);
        candidate.confidence = confidence;
        RelationshipValidation validation;
        validation.childDistinct = childDistinct;
        validation.overlap = overlap;
        validation.violations = childDistinct - overlap;
        validation.parentDistinct = parentDistinct;
        validation.parentRows = parentRows;
        RelationshipScorer::Thresholds thresholds;
        thresholds.accept = acceptThreshold;
        RelationshipScorer::applyValidation(candidate, validation, 0.0, thresholds);
        QCOMPARE(Relationship::statusName(candidate.status), status);
        QVERIFY2(qAbs(candidate.score - score) < 1e-9,
                 qPrintable(QString::number(candidate.score)));
        QCOMPARE(candidate.reasons, reasons);
        QVERIFY(candidate.validation);
    }

    void unvalidatedGoesToReview()
    {
        Relationship candidate
            = edge(QStringLiteral("a"), QStringLiteral("b_id"), QStringLiteral("b"),
                   QStringLiteral("id"), Relationship::Status::Accepted, 0.0);
        candidate.confidence = 0.9;
        RelationshipScorer::markUnvalidated(candidate, QStringLiteral("validation_unavailable"));
        QCOMPARE(candidate.status, Relationship::Status::Review);
        QCOMPARE(candidate.score, 0.54);
        QCOMPARE(candidate.reasons,
                 (QStringList {QStringLiteral("unvalidated"),
                               QStringLiteral("validation_unavailable")}));
    }

    void graphKeepsTheBestTargetPerColumn()
    {
        using S = Relationship::Status;
        QList<Relationship> relationships = {
            // The declared key, and an inferred copy of it that must disappear into it.
            [] {
                Relationship r = edge(QStringLiteral("orders"), QStringLiteral("customer_id"),
                                      QStringLiteral("customers"), QStringLiteral("customer_id"),
                                      S::Accepted, 1.0);
                r.origin = Relationship::Origin::Formal;
                return r;
            }(),
            [] {
                Relationship r = edge(QStringLiteral("orders"), QStringLiteral("customer_id"),
                                      QStringLiteral("customers"), QStringLiteral("customer_id"),
                                      S::Accepted, 0.99);
                r.candidateSources = {QStringLiteral("inflection")};
                return r;
            }(),
            // The declared column gets no second accepted target.
            edge(QStringLiteral("orders"), QStringLiteral("customer_id"), QStringLiteral("people"),
                 QStringLiteral("person_id"), S::Accepted, 0.97),
            // Same source column, three accepted targets: key-like and same-named wins,
            // although another has the higher score.
            edge(QStringLiteral("payments"), QStringLiteral("order_id"), QStringLiteral("orders"),
                 QStringLiteral("order_id"), S::Accepted, 0.95),
            edge(QStringLiteral("payments"), QStringLiteral("order_id"),
                 QStringLiteral("order_items"), QStringLiteral("line_number"), S::Accepted, 0.99,
                 0.5),
            edge(QStringLiteral("payments"), QStringLiteral("order_id"),
                 QStringLiteral("orders_archive"), QStringLiteral("id"), S::Accepted, 0.97, 0.92),
            // Review and rejected edges are left as they are.
            edge(QStringLiteral("payments"), QStringLiteral("order_id"), QStringLiteral("returns"),
                 QStringLiteral("return_id"), S::Review, 0.7),
        };
        RelationshipGraphResolver::resolve(relationships);

        QCOMPARE(relationships.size(), 6);
        const auto find = [&](const QString &toTable) -> const Relationship & {
            for (const Relationship &r : std::as_const(relationships)) {
                if (r.to.table.name == toTable)
                    return r;
            }
            static const Relationship none;
            return none;
        };
        const Relationship &formal = find(QStringLiteral("customers"));
        QCOMPARE(formal.origin, Relationship::Origin::Formal);
        QCOMPARE(formal.candidateSources, QStringList {QStringLiteral("inflection")});
        QCOMPARE(find(QStringLiteral("people")).status, S::Review);
        QVERIFY(find(QStringLiteral("people"))
                    .reasons.contains(QStringLiteral("source_has_declared_key")));
        QCOMPARE(find(QStringLiteral("orders")).status, S::Accepted);
        QCOMPARE(find(QStringLiteral("order_items")).status, S::Review);
        QCOMPARE(find(QStringLiteral("orders_archive")).status, S::Review);
        QVERIFY(find(QStringLiteral("orders_archive"))
                    .reasons.contains(QStringLiteral("competing_target")));
        QCOMPARE(find(QStringLiteral("returns")).status, S::Review);
    }

    void formalKeysFromTheSnapshot()
    {
        SchemaSnapshot snapshot = shopSnapshot();
        SchemaForeignKey key;
        key.fromColumn = QStringLiteral("customer_id");
        key.toTable = QStringLiteral("customers");
        key.constraintName = QStringLiteral("fk_orders_customer");
        snapshot.tables[2].foreignKeys.append(key); // orders; target column left to the PK
        const QList<Relationship> formal = RelationshipDiscovery::formalRelationships(snapshot, {});
        QCOMPARE(formal.size(), 1);
        QCOMPARE(formal.first().id(),
                 QStringLiteral("orders:(customer_id)->customers:(customer_id)"));
        QCOMPARE(formal.first().status, Relationship::Status::Accepted);
        QCOMPARE(formal.first().kind, Relationship::Kind::ManyToOne);

        // Without SQL, discovery keeps the declared key, drops its inferred twin and
        // leaves every inferred candidate for review.
        const RelationshipDiscoveryResult result = RelationshipDiscovery::discover(
            snapshot, {}, {}, RelationshipDiscovery::Options::fromConfig(RelationshipsConfig()));
        QVERIFY(!result.isPartial());
        QCOMPARE(result.count(Relationship::Status::Accepted), 1);
        QVERIFY(result.candidateCount > 5);
        for (const Relationship &r : result.relationships) {
            if (r.origin == Relationship::Origin::Inferred) {
                QCOMPARE(r.status, Relationship::Status::Review);
                QVERIFY(r.reasons.contains(QStringLiteral("validation_unavailable")));
                QVERIFY(r.id() != formal.first().id());
            }
        }
        const QJsonObject json = result.toJson();
        QCOMPARE(json.value(u"counts").toObject().value(u"accepted").toInt(), 1);
        const QJsonArray relationships = json.value(u"relationships").toArray();
        QCOMPARE(relationships.size(), result.relationships.size());
        QStringList ids;
        for (const QJsonValue &value : relationships)
            ids.append(value.toObject().value(u"id").toString());
        QStringList sorted = ids;
        sorted.sort();
        QCOMPARE(ids, sorted);
    }

    void validationBudgetDefersTheWeakest()
    {
        RelationshipsConfig config;
        config.validationBudget = QStringLiteral("0");
        const RelationshipDiscoveryResult result = RelationshipDiscovery::discover(
            shopSnapshot(), {}, {}, RelationshipDiscovery::Options::fromConfig(config));
        QCOMPARE(result.deferredCount, result.candidateCount);
        QCOMPARE(RelationshipDiscovery::validationBudget(QStringLiteral("all")), std::nullopt);
        QCOMPARE(RelationshipDiscovery::validationBudget(QStringLiteral("12")), 12);
        QCOMPARE(RelationshipDiscovery::validationBudget(QString()), std::nullopt);
    }

    void expiredBudgetGivesAPartialResult()
    {
        RelationshipDiscovery::Options options
            = RelationshipDiscovery::Options::fromConfig(RelationshipsConfig());
        options.deadline = QDeadlineTimer(0);
        const RelationshipDiscoveryResult result
            = RelationshipDiscovery::discover(shopSnapshot(), {}, {}, options);
        QCOMPARE(result.stopReason, QStringLiteral("detection_budget_exhausted"));
        QVERIFY(result.isPartial());
    }

    void validationSqlIsOneQuotedRead()
    {
        const auto dialect = SqlDialect::forDriver(QStringLiteral("sqlite"));
        QVERIFY(dialect);
        Relationship candidate
            = edge(QStringLiteral("Order \"Details\""), QStringLiteral("Product ID"),
                   QStringLiteral("products"), QStringLiteral("product_id"),
                   Relationship::Status::Review, 0.9);
        const QString sql = RelationshipValidator::validationSql(*dialect, candidate, 5000);
        QVERIFY2(sql.contains(QStringLiteral("\"Product ID\"")), qPrintable(sql));
        QVERIFY2(sql.contains(QStringLiteral("\"Order \"\"Details\"\"\"")), qPrintable(sql));
        QVERIFY(sql.contains(QStringLiteral("LEFT JOIN")));
        QVERIFY(sql.contains(QStringLiteral("limit 5000"), Qt::CaseInsensitive));
        QVERIFY(sql.startsWith(QStringLiteral("SELECT ")));
        QVERIFY(!sql.contains(u';'));

        QueryResult row;
        row.columns = {QStringLiteral("child_distinct"), QStringLiteral("overlap"),
                       QStringLiteral("parent_distinct"), QStringLiteral("parent_rows"),
                       QStringLiteral("child_rows")};
        row.rows
            = {{QVariant(40LL), QVariant(39LL), QVariant(106LL), QVariant(106LL), QVariant(40LL)}};
        const auto validation = RelationshipValidator::parseResult(row, 5000);
        QVERIFY(validation.ok());
        QCOMPARE(validation->violations, 1);
        QCOMPARE(validation->coverage(), 39.0 / 40.0);
        QCOMPARE(validation->targetUniqueness().value_or(-1), 1.0);
        QVERIFY(validation->sourceUnique());
        row.rows = {{QVariant(QStringLiteral("many")), QVariant(1LL), QVariant(1LL), QVariant(1LL),
                     QVariant(1LL)}};
        QVERIFY(!RelationshipValidator::parseResult(row, 5000).ok());
    }
};

QTEST_GUILESS_MAIN(TestRelationshipRules)
#include "tst_relationshiprules.moc"
