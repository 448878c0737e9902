namespace TileCompile.Engine.Registration;

/// <summary>The 9×9 grid across a frame over which map errors and precisions are stated.</summary>
internal static class FrameGrid
{
    /// <summary>√ of the mean of <paramref name="squared"/> over a 9×9 grid from corner to corner of a <paramref name="width"/>×<paramref name="height"/> frame.</summary>
    public static double Rms(int width, int height, Func<double, double, double> squared)
    {
        double sum = 0;
        for (var gy = 0; gy <= 8; gy++)
        for (var gx = 0; gx <= 8; gx++)
            sum += squared(gx * (width - 1) / 8.0, gy * (height - 1) / 8.0);
        return Math.Sqrt(Math.Max(0, sum / 81));
    }
}
