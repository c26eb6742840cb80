#pragma once

#include "core/cancellationtoken.h"
#include "core/result.h"
#include "scan/relationship.h"
#include "scan/sessionworkerpool.h"

#include <QDeadlineTimer>
#include <QList>

#include <optional>

namespace ktx {

class SqlDialect;
struct QueryResult;

// Checks candidates against the data: one read-only query per candidate over
// the distinct non-null source values LEFT JOIN the distinct target values.
class RelationshipValidator
{
public:
    struct Options
    {
        int concurrency = 4;
        // Source values beyond this many distinct ones are not looked at.
        int maxDistinctSourceValues = 100000;
        QDeadlineTimer deadline {QDeadlineTimer::Forever};
        CancellationToken cancellation;
    };

    // SELECT child_distinct, overlap, parent_distinct, parent_rows, child_rows,
    // portable across SQLite, PostgreSQL and MySQL/MariaDB (derived tables, no CTE),
    // identifiers quoted by the dialect.
    static QString validationSql(const SqlDialect &dialect, const Relationship &candidate,
                                 int maxDistinctSourceValues);
    static Result<RelationshipValidation> parseResult(const QueryResult &result,
                                                      int maxDistinctSourceValues);

    // One entry per candidate: the validation, the query's error, or nullopt
    // when the run stopped (budget, cancellation) before reaching it or no
    // session could be opened (see `openErrors`).
    static QList<std::optional<Result<RelationshipValidation>>>
    validate(const QList<Relationship> &candidates, const DatabaseSessionFactory &factory,
             const Options &options, QList<Error> *openErrors = nullptr);
};

} // namespace ktx
