from ciodispatch.demo.training import load_training_demo
from ciodispatch.training.models import Course, Enrolment, Track, TrainingSession
from ciodispatch.training.services import completions_for_users, has_completed_track


def test_the_demo_builds_both_tracks_once(personas):
    candidates = [personas.candidate1, personas.candidate2]
    host_staff = [personas.host1, personas.host1_head, personas.host2, personas.pref1]

    done = load_training_demo(candidates=candidates, host_staff=host_staff)

    assert any("training course" in line for line in done)
    assert set(Course.objects.values_list("track", flat=True)) == set(Track.values)
    assert has_completed_track(personas.candidate1, Track.PUBLIC_SECTOR)
    assert has_completed_track(personas.host1, Track.READINESS)
    assert not has_completed_track(personas.pref1, Track.READINESS)
    assert set(completions_for_users(host_staff, Track.READINESS)) >= {personas.host1.pk}
    assert Enrolment.objects.filter(state=Enrolment.State.FAILED).exists()
    assert TrainingSession.objects.filter(enrolments__state="enrolled").exists()
    counts = (Course.objects.count(), TrainingSession.objects.count(), Enrolment.objects.count())

    assert load_training_demo(candidates=candidates, host_staff=host_staff) == []
    assert counts == (
        Course.objects.count(),
        TrainingSession.objects.count(),
        Enrolment.objects.count(),
    )
