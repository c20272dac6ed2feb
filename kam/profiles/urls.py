from django.urls import path

from kam.profiles import views

app_name = "profiles"

urlpatterns = [
    path("", views.profile_view, name="profile"),
    path("weights/", views.weights_view, name="weights"),
    path("workshops/", views.workshop_list_view, name="workshops"),
    path("workshops/new/", views.workshop_create_view, name="workshop-create"),
    path("workshops/<int:workshop_id>/", views.workshop_view, name="workshop"),
    path("workshops/<int:workshop_id>/picks/", views.pick_view, name="pick"),
    path("workshops/<int:workshop_id>/picks/remove/", views.pick_remove_view, name="pick-remove"),
    path("workshops/<int:workshop_id>/traits/", views.trait_view, name="trait"),
    path("workshops/<int:workshop_id>/opposites/", views.opposite_view, name="opposite"),
    path("workshops/<int:workshop_id>/merge/", views.merge_view, name="merge"),
    path("workshops/<int:workshop_id>/choose/", views.choose_view, name="choose"),
    path("workshops/<int:workshop_id>/advance/", views.advance_view, name="advance"),
    path("clients/<int:client_id>/", views.client_fit_view, name="client"),
    path("clients/<int:client_id>/actions/<int:action_id>/", views.action_view, name="action"),
    path("check/", views.check_view, name="check"),
    path("quadrant/", views.quadrant_view, name="quadrant"),
    path("deals/<int:deal_id>/", views.assessment_view, name="assessment"),
    path("time/", views.time_view, name="time"),
]
