#include "db/readonlysqlguard.h"

#include <QFile>
#include <QRandomGenerator>
#include <QTest>

#include <sqlite3.h>

#include <algorithm>
#include <limits>

using namespace ktx;

namespace {

const QStringList kDrivers
    = {QStringLiteral("sqlite"), QStringLiteral("postgres"), QStringLiteral("mysql")};
// An unknown driver gets the union of every lexer; it must refuse whatever any
// known driver refuses.
const QString kUnknownDriver = QStringLiteral("duckdb");

struct CorpusCase
{
    QString origin; // file:line, for row names
    QStringList drivers;
    QString code; // expected error code, if the case names one
    QString sql;
};

QString unescape(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (c != u'\\' || i + 1 >= text.size()) {
            out += c;
            continue;
        }
        const QChar e = text[++i];
        if (e == u'n')
            out += u'\n';
        else if (e == u'r')
            out += u'\r';
        else if (e == u't')
            out += u'\t';
        else if (e == u'v')
            out += u'\v';
        else if (e == u'f')
            out += u'\f';
        else if (e == u'0')
            out += QChar(0);
        else if (e == u'x' || e == u'u') {
            const qsizetype digits = e == u'x' ? 2 : 4;
            out += QChar(char16_t(text.mid(i + 1, digits).toUShort(nullptr, 16)));
            i += digits;
        } else if (e == u'\\') {
            out += e;
        } else {
            out += c; // not an escape: keep the backslash (E'\'' stays as written)
            out += e;
        }
    }
    return out;
}

QList<CorpusCase> loadCorpus(const QString &fileName)
{
    const QString path = QStringLiteral(KTX_TEST_SOURCE_DIR "/tests/runtime/db/data/") + fileName;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        qWarning("cannot open %s", qPrintable(path));
        return {};
    }
    const QStringList lines = QString::fromUtf8(file.readAll()).split(u'\n');
    QList<CorpusCase> cases;
    QStringList body;
    bool escaped = false;
    auto flush = [&] {
        if (cases.isEmpty()) { // the file's preamble
            body.clear();
            return;
        }
        while (!body.isEmpty() && body.last().isEmpty())
            body.removeLast();
        const QString sql = body.join(u'\n');
        cases.last().sql = escaped ? unescape(sql) : sql;
        body.clear();
    };
    for (qsizetype n = 0; n < lines.size(); ++n) {
        const QString &line = lines[n];
        if (line.startsWith(QLatin1String("====")))
            continue;
        if (line != QLatin1String("----") && !line.startsWith(QLatin1String("---- "))) {
            body << line;
            continue;
        }
        flush();
        CorpusCase next;
        next.origin = fileName + u':' + QString::number(n + 1);
        escaped = false;
        const QString header = line.mid(5).section(u'#', 0, 0);
        const QStringList words = header.split(u' ', Qt::SkipEmptyParts);
        for (qsizetype w = 0; w < words.size(); ++w) {
            if (w == 0)
                next.drivers = words[0] == u"all" ? kDrivers : words[0].split(u',');
            else if (words[w] == u"escaped")
                escaped = true;
            else if (words[w].startsWith(QLatin1String("sql_")))
                next.code = words[w];
            else
                qWarning("%s: unknown header word %s", qPrintable(next.origin),
                         qPrintable(words[w]));
        }
        cases << next;
    }
    flush();
    return cases;
}

void addCorpusRows(const QStringList &files)
{
    QTest::addColumn<QString>("driver");
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QString>("code");
    for (const QString &fileName : files) {
        const QList<CorpusCase> cases = loadCorpus(fileName);
        QVERIFY2(!cases.isEmpty(), qPrintable(fileName));
        for (const CorpusCase &c : cases) {
            for (const QString &driver : c.drivers) {
                QVERIFY2(kDrivers.contains(driver), qPrintable(c.origin + u' ' + driver));
                QTest::addRow("%s %s", qPrintable(c.origin), qPrintable(driver))
                    << driver << c.sql << c.code;
            }
        }
    }
}

int countRows(const QStringList &files)
{
    int rows = 0;
    for (const QString &fileName : files)
        for (const CorpusCase &c : loadCorpus(fileName))
            rows += int(c.drivers.size());
    return rows;
}

const QStringList kMutatingFiles
    = {QStringLiteral("mutating.txt"), QStringLiteral("mutating-generated.txt")};
const QStringList kReadFiles = {QStringLiteral("reads.txt"), QStringLiteral("reads-generated.txt")};

// For failure messages (Qt 6.4 builds QVERIFY2's message even when it passes).
QString describe(const Result<QString> &result)
{
    if (result.ok())
        return QStringLiteral("accepted as: ") + *result;
    return result.error().code + QStringLiteral(": ") + result.error().toText();
}

QString wrapped(const QString &sql)
{
    // What DatabaseSession does with the guard's output.
    return QStringLiteral("select * from (") + sql
        + QStringLiteral(") as ktx_query_result limit 1000");
}

// What every accepted statement must look like, whatever went in.
QString shapeProblem(const QString &cleaned, const QString &driver)
{
    if (cleaned.isEmpty())
        return QStringLiteral("accepted SQL is empty");
    // Non-ASCII spaces are identifier characters to the servers, so only
    // ASCII whitespace counts here.
    auto asciiSpace = [](QChar c) {
        return c.unicode() < 0x80 && c.isSpace();
    };
    if (asciiSpace(cleaned.front()) || asciiSpace(cleaned.back()))
        return QStringLiteral("accepted SQL has outer whitespace");
    qsizetype i = 0; // skip `(`, whitespace and MySQL /*!NNNNN openers
    for (;;) {
        if (i < cleaned.size() && (cleaned[i] == u'(' || asciiSpace(cleaned[i]))) {
            ++i;
        } else if (cleaned.mid(i, 3) == u"/*!" || cleaned.mid(i, 4) == u"/*M!") {
            i += cleaned[i + 2] == u'!' ? 3 : 4;
            while (i < cleaned.size() && cleaned[i].isDigit())
                ++i;
        } else {
            break;
        }
    }
    const QString rest = cleaned.mid(i, 7).toLower();
    auto startsWithWord = [&](QLatin1StringView word) {
        return rest.startsWith(word)
            && (rest.size() == word.size()
                || !(rest[word.size()].isLetterOrNumber() || rest[word.size()] == u'_'
                     || rest[word.size()] == u'$'));
    };
    if (!startsWithWord(QLatin1StringView("select")) && !startsWithWord(QLatin1StringView("with")))
        return QStringLiteral("accepted SQL does not start with SELECT or WITH");
    const Result<QString> again = ReadOnlySqlGuard::check(cleaned, driver);
    if (!again.ok())
        return QStringLiteral("re-checking the output refuses it: ") + again.error().message;
    if (*again != cleaned)
        return QStringLiteral("re-checking the output changes it to: ") + *again;
    const Result<QString> limited = ReadOnlySqlGuard::check(wrapped(cleaned), driver);
    if (!limited.ok())
        return QStringLiteral("the row-limit wrapper is refused: ") + limited.error().message;
    if (*limited != wrapped(cleaned))
        return QStringLiteral("the row-limit wrapper is cut to: ") + *limited;
    return {};
}

// Real SQLite as an independent oracle: the position of the first `;` that
// SQLite itself treats as the end of a statement, or -1.
qsizetype sqliteStatementEnd(const QString &sql)
{
    const QByteArray utf8 = sql.toUtf8();
    for (qsizetype i = 0; i < utf8.size(); ++i) {
        if (utf8[i] == ';' && sqlite3_complete(utf8.left(i + 1).constData()))
            return i;
    }
    return -1;
}

QString generateLargeQuery(qsizetype targetSize, bool dollarQuotes)
{
    QString sql = QStringLiteral("WITH base AS (\n  SELECT id, customer_id, total FROM orders "
                                 "WHERE status <> 'cancelled'\n)\n"
                                 "SELECT id, total FROM base");
    int n = 0;
    while (sql.size() < targetSize) {
        sql += QStringLiteral(
                   "\nUNION ALL SELECT o.id + %1, 'literal ''quoted'' text; DROP TABLE x' AS note, "
                   "\"Mixed Case\" AS label, updated_at, replace(name, 'a', 'b') -- comment ; "
                   "DELETE\n  FROM orders o /* block ; UPDATE */ WHERE o.total > %1 AND o.note "
                   "LIKE '%%x%%' AND (o.a + (o.b * 2)) > 0")
                   .arg(n++);
        if (dollarQuotes)
            sql += QStringLiteral(" AND o.body <> $$dollar; DROP$$");
    }
    return sql + QStringLiteral(";\n-- end\n");
}

} // namespace

class TestReadOnlySqlGuard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void corpusIsLargeEnough()
    {
        const int mutating = countRows(kMutatingFiles);
        const int reads = countRows(kReadFiles);
        qInfo("corpus: %d mutating or multi-statement rows, %d read rows", mutating, reads);
        QVERIFY2(mutating >= 500, qPrintable(QString::number(mutating)));
        QVERIFY2(reads >= 200, qPrintable(QString::number(reads)));
        // Every driver gets its share.
        for (const QString &driver : kDrivers) {
            int forDriver = 0;
            for (const QString &fileName : kReadFiles)
                for (const CorpusCase &c : loadCorpus(fileName))
                    forDriver += c.drivers.contains(driver) ? 1 : 0;
            QVERIFY2(forDriver >= 200, qPrintable(driver));
        }
    }

    void refusesMutatingCorpus_data() { addCorpusRows(kMutatingFiles); }
    void refusesMutatingCorpus()
    {
        QFETCH(QString, driver);
        QFETCH(QString, sql);
        QFETCH(QString, code);
        const Result<QString> result = ReadOnlySqlGuard::check(sql, driver);
        QVERIFY2(!result.ok(), qPrintable(describe(result)));
        const Error &error = result.error();
        QVERIFY(error.code == u"sql_not_read_only" || error.code == u"sql_multiple_statements"
                || error.code == u"sql_empty");
        QVERIFY(!error.message.isEmpty());
        if (!code.isEmpty())
            QVERIFY2(error.code == code, qPrintable(describe(result)));
        const Result<QString> unknown = ReadOnlySqlGuard::check(sql, kUnknownDriver);
        QVERIFY2(!unknown.ok(), qPrintable(QStringLiteral("unknown driver ") + describe(unknown)));
    }

    void acceptsReadCorpus_data() { addCorpusRows(kReadFiles); }
    void acceptsReadCorpus()
    {
        QFETCH(QString, driver);
        QFETCH(QString, sql);
        const Result<QString> result = ReadOnlySqlGuard::check(sql, driver);
        QVERIFY2(result.ok(), qPrintable(describe(result)));
        const QString problem = shapeProblem(*result, driver);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY(!result->endsWith(u';'));
    }

    void cleanedOutput_data()
    {
        QTest::addColumn<QString>("driver");
        QTest::addColumn<QString>("sql");
        QTest::addColumn<QString>("cleaned");
        auto row
            = [](const char *name, const char *driver, const QString &sql, const QString &out) {
                  QTest::newRow(name) << QString::fromLatin1(driver) << sql << out;
              };
        row("trailing semicolon", "postgres", "SELECT 1;", "SELECT 1");
        row("several semicolons", "postgres", "SELECT 1 ; ;;", "SELECT 1");
        row("trailing line comment", "postgres", "SELECT 1 -- note", "SELECT 1");
        row("trailing line comment and newline", "sqlite", "SELECT 1 -- note\n", "SELECT 1");
        row("noise after semicolon", "postgres", "  \n\tSELECT 1  ;  ;\n-- bye\n/* x */ ",
            "SELECT 1");
        row("leading comments dropped", "postgres", "-- head\n/* more */\nSELECT 1", "SELECT 1");
        row("inner comments kept", "sqlite", "/* head */ SELECT 1 /* mid */ + 2 /* tail */",
            "SELECT 1 /* mid */ + 2");
        row("inner line comment kept", "postgres", "SELECT a -- first\n, b FROM t -- last",
            "SELECT a -- first\n, b FROM t");
        row("crlf", "postgres", "SELECT 1\r\n;\r\n", "SELECT 1");
        row("mysql hash comment", "mysql", "SELECT 1 # note", "SELECT 1");
        row("mysql -- needs a space", "mysql", "SELECT 1 --x", "SELECT 1 --x");
        row("postgres -- is always a comment", "postgres", "SELECT 1 --x", "SELECT 1");
        row("mysql -- at the very end", "mysql", "SELECT 1 --", "SELECT 1");
        row("mysql executable comment kept", "mysql", "SELECT 1 /*!40001 , 2 */ -- tail",
            "SELECT 1 /*!40001 , 2 */");
        row("mysql executable comment first", "mysql", "/*!40001 SELECT */ 1;",
            "/*!40001 SELECT */ 1");
        row("mysql quote after --x", "mysql", "SELECT 1 --'\n; DROP TABLE x; -- '",
            "SELECT 1 --'\n; DROP TABLE x; -- '");
        row("dollar quote", "postgres", "SELECT $$a -- b$$ -- c", "SELECT $$a -- b$$");
        row("nested comment", "postgres", "SELECT 1 /* a /* b */ c */;", "SELECT 1");
        row("string continuation", "postgres", "SELECT 'a'\n'b' -- c\n;", "SELECT 'a'\n'b'");
        row("escape string", "postgres", "SELECT E'\\'' ; -- ;", "SELECT E'\\''");
        row("brackets", "sqlite", "SELECT [x] -- c", "SELECT [x]");
        row("byte-order mark", "sqlite", QStringLiteral("\uFEFFSELECT 1"), "SELECT 1");
        row("no-break space after semicolon", "postgres", QStringLiteral("SELECT 1 ;\u00a0"),
            "SELECT 1");
        row("parenthesised union", "postgres", "(SELECT 1) UNION (SELECT 2);",
            "(SELECT 1) UNION (SELECT 2)");
        row("unknown driver", "duckdb", "SELECT 1; -- x", "SELECT 1");
        row("unknown driver keeps strict reads", "duckdb", "select 'a''b' from t",
            "select 'a''b' from t");
    }
    void cleanedOutput()
    {
        QFETCH(QString, driver);
        QFETCH(QString, sql);
        QFETCH(QString, cleaned);
        const Result<QString> result = ReadOnlySqlGuard::check(sql, driver);
        QVERIFY2(result.ok(), qPrintable(describe(result)));
        QCOMPARE(*result, cleaned);
        const QString problem = shapeProblem(*result, driver);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    void errors_data()
    {
        QTest::addColumn<QString>("driver");
        QTest::addColumn<QString>("sql");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QString>("hint");
        const QString only
            = QStringLiteral("; ktx only runs single read-only SELECT or WITH queries.");
        const QString sameEverywhere = QStringLiteral(
            "Write a quote inside a string as '' rather than \\' so the query reads the same in "
            "every server mode.");
        auto row = [](const char *name, const char *driver, const QString &sql, const char *code,
                      const QString &message, const QString &hint = QString()) {
            QTest::newRow(name) << QString::fromLatin1(driver) << sql << QString::fromLatin1(code)
                                << message << hint;
        };
        row("write", "postgres", "DELETE FROM t", "sql_not_read_only",
            "SQL contains a write operation (DELETE at line 1, column 1)" + only,
            "If delete is meant as a column or table name, quote it: \"delete\".");
        row("write, mysql quoting hint", "mysql", "SELECT 1 FROM t WHERE drop = 1",
            "sql_not_read_only",
            "SQL contains a write operation (DROP at line 1, column 23)" + only,
            "If drop is meant as a column or table name, quote it: `drop`.");
        row("position on a later line", "postgres",
            "SELECT a,\n       b\nFROM t\nWHERE x = 1 FOR UPDATE", "sql_not_read_only",
            "SQL contains a row-locking clause (FOR UPDATE at line 4, column 17)" + only,
            "Remove the locking clause; ktx never locks rows.");
        row("for no key update", "postgres", "SELECT * FROM t FOR NO KEY UPDATE",
            "sql_not_read_only",
            "SQL contains a row-locking clause (FOR NO KEY UPDATE at line 1, column 28)" + only,
            "Remove the locking clause; ktx never locks rows.");
        row("data-modifying CTE", "postgres",
            "WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x", "sql_not_read_only",
            "SQL contains a data-modifying WITH query (DELETE at line 1, column 12)" + only,
            "If delete is meant as a column or table name, quote it: \"delete\".");
        row("transaction", "sqlite", "BEGIN", "sql_not_read_only",
            "SQL contains a transaction command (BEGIN at line 1, column 1)" + only,
            "If begin is meant as a column or table name, quote it: \"begin\".");
        row("explain", "postgres", "EXPLAIN SELECT 1", "sql_not_read_only",
            "SQL contains a command that is not a query (EXPLAIN at line 1, column 1)" + only,
            "If explain is meant as a column or table name, quote it: \"explain\".");
        row("side-effect function", "postgres", "SELECT nextval('s')", "sql_not_read_only",
            "SQL calls nextval() at line 1, column 8, which changes database or server state"
                + only);
        row("file function", "postgres", "SELECT pg_read_file('x')", "sql_not_read_only",
            "SQL calls pg_read_file() at line 1, column 8, which reads or writes files on the "
            "database server"
                + only);
        row("sql-text function", "postgres", "SELECT * FROM dblink('db', 'DELETE FROM t')",
            "sql_not_read_only",
            "SQL calls dblink() at line 1, column 15, which runs SQL given as text that ktx cannot "
            "check"
                + only);
        row("values", "postgres", "VALUES (1)", "sql_not_read_only",
            "SQL must start with SELECT or WITH, but starts with 'VALUES' at line 1, column 1"
                + only);
        row("multiple", "postgres", "SELECT 1;\nSELECT 2", "sql_multiple_statements",
            "Only one SQL statement can be executed. A second statement starts at line 2, column "
            "1, "
            "after the ';' at line 1, column 9.",
            "Remove everything after the first statement.");
        row("empty", "postgres", "", "sql_empty",
            "SQL is empty: it has only whitespace, comments or semicolons.",
            "Write a single SELECT or WITH query.");
        row("blank", "mysql", " \n\t ", "sql_empty",
            "SQL is empty: it has only whitespace, comments or semicolons.",
            "Write a single SELECT or WITH query.");
        row("comment only", "mysql", "-- nothing\n# still nothing\n/* really */", "sql_empty",
            "SQL is empty: it has only whitespace, comments or semicolons.",
            "Write a single SELECT or WITH query.");
        row("semicolons only", "sqlite", " ; ;", "sql_empty",
            "SQL is empty: it has only whitespace, comments or semicolons.",
            "Write a single SELECT or WITH query.");
        row("unterminated string", "postgres", "SELECT 'abc", "sql_not_read_only",
            "SQL has an unterminated string literal starting at line 1, column 8.",
            "Close it, or remove it; ktx will not guess where it ends.");
        row("unterminated comment", "sqlite", "SELECT 1 /* x", "sql_not_read_only",
            "SQL has an unterminated block comment starting at line 1, column 10.",
            "Close it, or remove it; ktx will not guess where it ends.");
        row("unterminated dollar quote", "postgres", "SELECT $x$ y", "sql_not_read_only",
            "SQL has an unterminated dollar-quoted string starting at line 1, column 8.",
            "Close it, or remove it; ktx will not guess where it ends.");
        row("unclosed parenthesis", "postgres", "SELECT (1", "sql_not_read_only",
            "SQL has an unclosed '(' at line 1, column 8.",
            "Balance the parentheses; ktx runs the query as a subquery to cap its rows.");
        row("unmatched parenthesis", "postgres", "SELECT 1) AS x --", "sql_not_read_only",
            "SQL has an unmatched ')' at line 1, column 9.",
            "Balance the parentheses; ktx runs the query as a subquery to cap its rows.");
        row("nul", "postgres", QStringLiteral("SELECT 1") + QChar(0), "sql_not_read_only",
            "SQL contains a NUL character at line 1, column 9.",
            "Remove it; servers stop reading at a NUL.");
        row("other server mode", "mysql", "SELECT \"a\\\"; DROP TABLE x; --\"",
            "sql_multiple_statements",
            "Only one SQL statement can be executed. A second statement starts at line 1, column "
            "14, after the ';' at line 1, column 12. (as read by MySQL/MariaDB with "
            "NO_BACKSLASH_ESCAPES)",
            sameEverywhere);
        row("standard_conforming_strings off", "postgres", "SELECT 'a\\'' ; DROP TABLE x; -- '",
            "sql_multiple_statements",
            "Only one SQL statement can be executed. A second statement starts at line 1, column "
            "16, after the ';' at line 1, column 14. (as read by PostgreSQL with "
            "standard_conforming_strings = off)",
            sameEverywhere);
        row("ambiguous end", "postgres", "SELECT 'a\\' -- '", "sql_not_read_only",
            "SQL quoting is ambiguous: PostgreSQL and PostgreSQL with standard_conforming_strings "
            "= off would end the statement in different places, so ktx cannot prove the query is "
            "read-only.",
            sameEverywhere);
        row("number before quote", "postgres", "SELECT 1E'x'", "sql_not_read_only",
            "SQL has a quote or '$' directly after a number at line 1, column 10, which servers "
            "read in different ways, so ktx cannot prove the query is read-only.",
            "Put a space between the number and what follows it.");
        // A documented false refusal: MySQL users must write '' instead of \'
        // when a keyword follows in the same string.
        row("backslash quote then keyword", "mysql", "SELECT 'Don\\'t delete me'",
            "sql_not_read_only",
            "SQL contains a write operation (DELETE at line 1, column 16); ktx only runs single "
            "read-only SELECT or WITH queries. (as read by MySQL/MariaDB with "
            "NO_BACKSLASH_ESCAPES)",
            sameEverywhere);
    }
    void errors()
    {
        QFETCH(QString, driver);
        QFETCH(QString, sql);
        QFETCH(QString, code);
        QFETCH(QString, message);
        QFETCH(QString, hint);
        const Result<QString> result = ReadOnlySqlGuard::check(sql, driver);
        QVERIFY2(!result.ok(), qPrintable(describe(result)));
        QCOMPARE(result.error().code, code);
        QCOMPARE(result.error().message, message);
        QCOMPARE(result.error().hint, hint);
    }

    void doubledQuotesAvoidTheFalseRefusal()
    {
        const Result<QString> result = ReadOnlySqlGuard::check(
            QStringLiteral("SELECT 'Don''t delete me'"), QStringLiteral("mysql"));
        QVERIFY(result.ok());
    }

    void fuzzRandomText()
    {
        // Random text from the characters and fragments lexers care about:
        // nothing crashes (the CI runs this under ASan/UBSan), and whatever is
        // accepted has the shape of one read.
        const quint32 seed = 0x5eed2024;
        QRandomGenerator rng(seed);
        const QString alphabet = QStringLiteral(
            "sSeElLcCtTwWiIhH "
            "dDrRoOpPuU;;''\"\"``[]$$--//**!#\\\n\r\t()+M1_e&:@?\u00a0\u3000\u00e9");
        const QStringList fragments
            = {"SELECT ",     "WITH x AS (", "DELETE ", "DROP ",    "/*",
               "*/",          "--",          "-- ",     "$$",       "$a$",
               "E'",          "/*!",         "/*+",     "U&\"",     "\\'",
               "''",          ";",           "(",       ")",        " INTO ",
               " FOR UPDATE", "\n",          "'",       "\"",       "`",
               "[",           "]",           "# ",      "nextval(", "replace(",
               "$1",          "x'",          "b'",      "1E",       "SELECT 1",
               "/*M!",        "\u00a0",      "\uFEFF",  "\\",       "CHARACTER SET",
               "comment on"};
        const QStringList drivers = kDrivers + QStringList {kUnknownDriver};
        int accepted = 0;
        for (int round = 0; round < 40000; ++round) {
            // Half start like a read, so the accepting paths get exercised too.
            QString sql = rng.bounded(2) ? QStringLiteral("SELECT ") : QString();
            const int pieces = int(rng.bounded(14));
            for (int p = 0; p < pieces; ++p) {
                if (rng.bounded(2))
                    sql += alphabet[qsizetype(rng.bounded(int(alphabet.size())))];
                else
                    sql += fragments[qsizetype(rng.bounded(int(fragments.size())))];
            }
            for (const QString &driver : drivers) {
                const Result<QString> result = ReadOnlySqlGuard::check(sql, driver);
                if (!result.ok())
                    continue;
                ++accepted;
                const QString problem = shapeProblem(*result, driver);
                QVERIFY2(problem.isEmpty(),
                         qPrintable(QStringLiteral("seed %1 round %2 %3: %4\n%5")
                                        .arg(seed)
                                        .arg(round)
                                        .arg(driver, problem, sql)));
            }
        }
        qInfo("fuzz: %d of %d random texts accepted", accepted, 40000 * int(drivers.size()));
    }

    void fuzzEditedReads()
    {
        // Small edits of real reads: quotes, comment markers and semicolons
        // dropped in at random places.
        QList<CorpusCase> reads = loadCorpus(QStringLiteral("reads.txt"));
        QVERIFY(!reads.isEmpty());
        const quint32 seed = 0xed175;
        QRandomGenerator rng(seed);
        const QStringList inserts
            = {"'", "\"", "`",  "$",  "$$", "/*",  "*/",     "--", "#", ";",
               "(", ")",  "\\", "\n", "E'", "/*!", " DROP ", "[",  "]", ":x("};
        for (int round = 0; round < 20000; ++round) {
            const CorpusCase &base = reads[qsizetype(rng.bounded(int(reads.size())))];
            QString sql = base.sql;
            const int edits = 1 + int(rng.bounded(3));
            for (int e = 0; e < edits && !sql.isEmpty(); ++e) {
                const qsizetype at = rng.bounded(int(sql.size()));
                if (rng.bounded(3) == 0)
                    sql.remove(at, 1);
                else
                    sql.insert(at, inserts[qsizetype(rng.bounded(int(inserts.size())))]);
            }
            for (const QString &driver : base.drivers) {
                const Result<QString> result = ReadOnlySqlGuard::check(sql, driver);
                if (!result.ok())
                    continue;
                const QString problem = shapeProblem(*result, driver);
                QVERIFY2(problem.isEmpty(),
                         qPrintable(QStringLiteral("seed %1 round %2 %3: %4\n%5")
                                        .arg(seed)
                                        .arg(round)
                                        .arg(driver, problem, sql)));
            }
        }
    }

    void fuzzTokenSoup()
    {
        // Statements built from tokens whose lexical class is known up front,
        // so an independent oracle knows whether a mutating keyword or a second
        // statement is present at the top level.
        enum Kind { Plain, Comment, Mutating, Semicolon };
        struct Piece
        {
            const char *text;
            Kind kind;
            bool ambiguous = false; // reads differently in another server mode
        };
        const QList<Piece> common = {{"a", Plain},
                                     {"b_1", Plain},
                                     {"42", Plain},
                                     {"3.14", Plain},
                                     {",", Plain},
                                     {"+", Plain},
                                     {"=", Plain},
                                     {"(SELECT 1)", Plain},
                                     {"'txt'", Plain},
                                     {"'it''s'", Plain},
                                     {"'DROP TABLE x; --'", Plain},
                                     {"\"delete\"", Plain},
                                     {"\"a;b\"", Plain},
                                     {"updated_at", Plain},
                                     {"replace(a, 'b', 'c')", Plain},
                                     {"count(*)", Plain},
                                     {"CASE WHEN a THEN 'x' ELSE 'y' END", Plain},
                                     {"''", Plain},
                                     {"comment", Plain},
                                     {"start", Plain},
                                     {"share", Plain},
                                     {"FOR 3", Plain},
                                     {"/* DROP; */", Comment},
                                     {"-- DELETE;\n", Comment},
                                     {"/* ' \" ` */", Comment},
                                     {"DELETE", Mutating},
                                     {"DROP", Mutating},
                                     {"INSERT INTO", Mutating},
                                     {"UPDATE", Mutating},
                                     {"INTO", Mutating},
                                     {"TRUNCATE TABLE", Mutating},
                                     {"GRANT", Mutating},
                                     {"VACUUM", Mutating},
                                     {"PRAGMA", Mutating},
                                     {"nextval('s')", Mutating},
                                     {"FOR UPDATE", Mutating},
                                     {"SET", Mutating},
                                     {"COPY", Mutating},
                                     {"ATTACH", Mutating},
                                     {"merge", Mutating},
                                     {"pg_advisory_lock(1)", Mutating},
                                     {"LOCK", Mutating},
                                     {";", Semicolon}};
        const QHash<QString, QList<Piece>> perDriver = {
            {QStringLiteral("postgres"),
             {{"$$DROP;$$", Plain},
              {"$q$ ; DELETE $$ $q$", Plain},
              {"E'\\' ; DROP'", Plain},
              {"/* a /* b */ ; DROP */", Comment},
              {"x::int", Plain},
              {"payload->>'k'", Plain},
              {"a # b", Plain},
              {"U&'\\0041'", Plain},
              {"$1", Plain},
              {"'C:\\'", Plain, true},
              {"'a\\'", Plain, true}}},
            {QStringLiteral("mysql"),
             {{"`drop`", Plain},
              {"`a``;b`", Plain},
              {"# DROP;\n", Comment},
              {"/*!40001 SQL_NO_CACHE */", Plain},
              {"'a\\\\b'", Plain},
              {"1--1", Plain},
              {"/*+ BKA(t) */", Comment},
              {"'it\\'s'", Plain, true},
              {"\"a\\\"b\"", Plain, true}}},
            {QStringLiteral("sqlite"),
             {{"[drop]", Plain},
              {"`delete`", Plain},
              {":param", Plain},
              {"$var", Plain},
              {"@v", Plain},
              {"x'ff'", Plain},
              {"'C:\\'", Plain}}},
        };
        const quint32 seed = 0x50b;
        QRandomGenerator rng(seed);
        QList<Piece> safe;
        QList<Piece> unsafe;
        int refused = 0;
        int rounds = 0;
        for (const QString &driver : kDrivers) {
            safe.clear();
            unsafe.clear();
            for (const Piece &piece : common + perDriver.value(driver))
                (piece.kind == Mutating || piece.kind == Semicolon ? unsafe : safe) << piece;
            for (int round = 0; round < 15000; ++round, ++rounds) {
                QString sql = QStringLiteral("SELECT");
                bool mutating = false;
                bool ambiguous = false;
                bool afterSemicolon = false;
                bool secondStatement = false;
                const int length = 1 + int(rng.bounded(10));
                for (int t = 0; t < length; ++t) {
                    // About one token in twelve is a write or a semicolon.
                    const QList<Piece> &pool = rng.bounded(12) == 0 ? unsafe : safe;
                    const Piece &piece = pool[qsizetype(rng.bounded(int(pool.size())))];
                    sql += u' ' + QString::fromUtf8(piece.text);
                    mutating |= piece.kind == Mutating;
                    ambiguous |= piece.ambiguous;
                    if (afterSemicolon && (piece.kind == Plain || piece.kind == Mutating))
                        secondStatement = true;
                    afterSemicolon |= piece.kind == Semicolon;
                }
                const Result<QString> result = ReadOnlySqlGuard::check(sql, driver);
                const QString context = QStringLiteral("seed %1 round %2 %3: %4")
                                            .arg(seed)
                                            .arg(round)
                                            .arg(driver, sql);
                if (mutating || secondStatement) {
                    QVERIFY2(!result.ok(), qPrintable(context + u'\n' + describe(result)));
                    ++refused;
                } else if (!ambiguous) {
                    QVERIFY2(result.ok(), qPrintable(context + u'\n' + describe(result)));
                }
                if (result.ok()) {
                    const QString problem = shapeProblem(*result, driver);
                    QVERIFY2(problem.isEmpty(), qPrintable(context + u'\n' + problem));
                }
            }
        }
        qInfo("token soup: %d of %d statements had a write or a second statement", refused, rounds);
    }

    void sqliteAgreesOnStatementBoundaries()
    {
        // Every `;` in SQL accepted for SQLite is inside a literal or comment in
        // SQLite's own eyes; every SQLite input refused as a second statement
        // has a `;` SQLite ends a statement at.
        for (const QString &fileName : kReadFiles + kMutatingFiles) {
            for (const CorpusCase &c : loadCorpus(fileName)) {
                if (!c.drivers.contains(u"sqlite") || c.sql.contains(QChar(0)))
                    continue;
                const Result<QString> result
                    = ReadOnlySqlGuard::check(c.sql, QStringLiteral("sqlite"));
                if (result.ok())
                    QVERIFY2(sqliteStatementEnd(*result) < 0, qPrintable(c.origin));
                else if (result.error().code == u"sql_multiple_statements")
                    QVERIFY2(sqliteStatementEnd(c.sql) >= 0, qPrintable(c.origin));
            }
        }
        const quint32 seed = 0x5411;
        QRandomGenerator rng(seed);
        const QString alphabet = QStringLiteral(
            "sSeElLcCtT dDrRoOpP;;;''\"\"``[]$--//**!#\\\n\r\t()+1_:@?x\u00a0\u00e9");
        const QStringList fragments
            = {"SELECT ", "/*", "*/", "--", "-- ", ";",  "(",   ")",  "'",        "\"",
               "`",       "[",  "]",  "$a", "$a(", ":x", "@y(", "x'", "SELECT 1", "\n"};
        int accepted = 0;
        for (int round = 0; round < 100000; ++round) {
            QString sql = QStringLiteral("SELECT ");
            const int pieces = int(rng.bounded(12));
            for (int p = 0; p < pieces; ++p) {
                if (rng.bounded(2))
                    sql += alphabet[qsizetype(rng.bounded(int(alphabet.size())))];
                else
                    sql += fragments[qsizetype(rng.bounded(int(fragments.size())))];
            }
            const Result<QString> result = ReadOnlySqlGuard::check(sql, QStringLiteral("sqlite"));
            if (!result.ok())
                continue;
            ++accepted;
            QVERIFY2(
                sqliteStatementEnd(*result) < 0,
                qPrintable(QStringLiteral("seed %1 round %2: %3").arg(seed).arg(round).arg(sql)));
        }
        qInfo("sqlite oracle: %d random statements accepted, SQLite agrees on all", accepted);
    }

    // Size alone never changes the verdict. How fast large and pathological
    // inputs are checked is measured by tests/bench/bench_sqlguard, not here:
    // tests stay deterministic (a sanitizer build is many times slower).
    void largeQueriesAreChecked()
    {
        for (const QString &driver : kDrivers) {
            const bool dollars = driver == u"postgres";
            for (const int kb : {100, 200, 400, 800}) {
                const Result<QString> result
                    = ReadOnlySqlGuard::check(generateLargeQuery(kb * 1024, dollars), driver);
                QVERIFY2(
                    result.ok(),
                    qPrintable(driver + QStringLiteral(" %1 KB: ").arg(kb) + describe(result)));
                QVERIFY(result->endsWith(QLatin1String("$$dollar; DROP$$"))
                        || result->endsWith(QLatin1String("> 0")));
            }
        }
    }

    void pathologicalInputs_data()
    {
        QTest::addColumn<QString>("driver");
        QTest::addColumn<QString>("sql");
        QTest::addColumn<bool>("accepted");
        const qsizetype n = 50'000;
        QTest::newRow("deep parentheses")
            << QStringLiteral("postgres")
            << QStringLiteral("SELECT ") + QString(n, u'(') + u'1' + QString(n, u')') << true;
        QTest::newRow("nested comments") << QStringLiteral("postgres")
                                         << QStringLiteral("SELECT 1 ")
                + QStringLiteral("/*").repeated(n) + QStringLiteral("*/").repeated(n)
                                         << true;
        QTest::newRow("unterminated nested comments")
            << QStringLiteral("postgres")
            << QStringLiteral("SELECT 1 ") + QStringLiteral("/*").repeated(n) << false;
        QTest::newRow("many dollar signs")
            << QStringLiteral("postgres")
            << QStringLiteral("SELECT ") + QStringLiteral("$a ").repeated(n) << true;
        QTest::newRow("unterminated dollar quotes")
            << QStringLiteral("postgres")
            << QStringLiteral("SELECT $a$") + QStringLiteral("$b$ ").repeated(n) << false;
        QTest::newRow("string continuations")
            << QStringLiteral("postgres")
            << QStringLiteral("SELECT E'x'") + QStringLiteral("\n-- c\n'y'").repeated(n) << true;
        QTest::newRow("empty strings")
            << QStringLiteral("mysql")
            << QStringLiteral("SELECT ") + QStringLiteral("'' ").repeated(n) << true;
        QTest::newRow("backslashes")
            << QStringLiteral("mysql") << QStringLiteral("SELECT '") + QString(2 * n, u'\\') + u'\''
            << true;
        QTest::newRow("comment markers")
            << QStringLiteral("mysql")
            << QStringLiteral("SELECT 1 ") + QStringLiteral("-- x\n# y\n").repeated(n) << true;
        QTest::newRow("sqlite variables")
            << QStringLiteral("sqlite")
            << QStringLiteral("SELECT ") + QStringLiteral("$a(b) ").repeated(n) << true;
        QTest::newRow("long identifier")
            << QStringLiteral("sqlite") << QStringLiteral("SELECT ") + QString(4 * n, u'x') << true;
        QTest::newRow("keywords everywhere")
            << QStringLiteral("postgres")
            << QStringLiteral("SELECT 1 -- ") + QStringLiteral("DELETE ").repeated(n) << true;
    }
    void pathologicalInputs()
    {
        QFETCH(QString, driver);
        QFETCH(QString, sql);
        QFETCH(bool, accepted);
        QCOMPARE(ReadOnlySqlGuard::check(sql, driver).ok(), accepted);
    }

    void benchmark100KB()
    {
        const QString sql = generateLargeQuery(100 * 1024, true);
        QBENCHMARK
        {
            QVERIFY(ReadOnlySqlGuard::check(sql, QStringLiteral("postgres")).ok());
        }
    }
};

QTEST_GUILESS_MAIN(TestReadOnlySqlGuard)
#include "tst_readonlysqlguard.moc"
