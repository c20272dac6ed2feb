"""Complaint cases, adopted from surveys: surveys 0002 renamed their tables to these names, so
this migration only records the models in the state (a fresh database gets them the same way)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('clients', '0002_remove_historicalcontact_attitude_and_more'),
        ('surveys', '0002_complaint_cases_to_playbooks'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
        state_operations=[
        migrations.CreateModel(
            name='ComplaintCase',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('summary', models.TextField(blank=True, verbose_name='what the client says')),
                ('opened_at', models.DateTimeField(auto_now_add=True)),
                ('closed_at', models.DateTimeField(blank=True, null=True)),
                ('root_cause', models.TextField(blank=True, verbose_name='root cause')),
                ('change_made', models.TextField(blank=True, verbose_name='what changed so that it does not repeat')),
                ('answer', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='case', to='surveys.answer')),
                ('client', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='complaint_cases', to='clients.client')),
                ('owner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='complaint_cases', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'complaint case',
                'verbose_name_plural': 'complaint cases',
                'ordering': ['closed_at', '-opened_at'],
            },
        ),
        migrations.CreateModel(
            name='CaseStepRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('step', models.CharField(choices=[('listen', 'Listen to the client to the end'), ('understand', 'Show understanding, sympathise, apologise'), ('solution', 'Find the solution together'), ('thank', 'Thank the client for raising it'), ('act', 'Act at once'), ('diagnose', 'Diagnose: root cause and what changed')], max_length=20)),
                ('note', models.TextField(blank=True, verbose_name='note')),
                ('done_at', models.DateTimeField(auto_now_add=True)),
                ('done_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='steps', to='playbooks.complaintcase')),
            ],
            options={
                'ordering': ['done_at', 'id'],
                'constraints': [models.UniqueConstraint(fields=('case', 'step'), name='one_record_per_step')],
            },
        ),
        ],
        database_operations=[],
        ),
    ]
