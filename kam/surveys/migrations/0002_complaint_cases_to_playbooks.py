"""Complaint cases move to the playbooks app: the tables are renamed (every row kept) and the
models leave this app's state; playbooks 0001 adopts them without touching the database."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable("complaintcase", "playbooks_complaintcase"),
                migrations.AlterModelTable("casesteprecord", "playbooks_casesteprecord"),
            ],
            state_operations=[
                migrations.DeleteModel("CaseStepRecord"),
                migrations.DeleteModel("ComplaintCase"),
            ],
        ),
    ]
