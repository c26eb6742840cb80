#pragma once

#include "core/result.h"
#include "demo/demowarehouse.h"

#include <QString>
#include <QStringList>

namespace ktx {

// The bundled demo project: a ktx.yaml, a README and a few business wiki pages that
// describe the demo warehouse (embedded under :/ktx/demo-project/), plus the warehouse
// itself. It lays down files only; creating the git repository and .ktx/ is the
// project scaffold's job.
class DemoProject
{
public:
    // The warehouse path relative to the project folder, as the template's ktx.yaml has it.
    static QString warehouseFileName();
    // The connection id the template's ktx.yaml declares for the warehouse.
    static QString connectionId();
    // The template's files, relative to the project folder, sorted.
    static QStringList templateFiles();

    // Copies the template into `projectDir`, creating folders as needed. A file that
    // already exists with identical content is left as is; any file that exists with
    // different content fails the whole call (error "demo_template_conflict") before
    // anything is written.
    static Result<void> writeTemplate(const QString &projectDir);

    // Creates the whole demo project at `dir` (which must not exist or be empty):
    // its own git repository with the template committed, and the generated
    // warehouse (git-ignored: a warehouse never lives in the context repository).
    // The project is assembled in a staging folder beside `dir` and renamed into
    // place, so a failure or a crash leaves nothing half-made at `dir`.
    static Result<void> create(const QString &dir);

    // Generates the warehouse at projectDir/warehouseFileName() with the default seed.
    // Fails with "demo_warehouse_exists" if the file is already there.
    static Result<DemoWarehouse::Summary> generateWarehouse(const QString &projectDir);
};

} // namespace ktx
