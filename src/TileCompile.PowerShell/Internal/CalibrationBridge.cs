using System.Management.Automation;
using TileCompile.Engine.Calibration;
using TileCompile.Engine.Config;
using TileCompile.Engine.Fits;
using TileCompile.Engine.Pipeline;

namespace TileCompile.PowerShell.Internal;

/// <summary>Calibration masters from PowerShell: engine calls that return cmdlet-assembly objects.</summary>
internal static class CalibrationBridge
{
    public static TileMaster Build(TileMasterType type, string folder, string runsRoot, string? output, TileMasterMethod method)
    {
        var kind = type switch { TileMasterType.Bias => "bias", TileMasterType.Dark => "dark", TileMasterType.Flat => "flat", _ => "darkflat" };
        try
        {
            var built = CalibrationInputs.BuildMaster(kind, folder, ConfigKeys.Input.Pattern.Default,
                method == TileMasterMethod.Median ? MasterMethod.Median : MasterMethod.SigmaClip,
                new MasterLibrary(Path.Combine(runsRoot, "masters")), output, new ParallelOptions());
            return new TileMaster { Path = built.Path, Type = type, FrameCount = built.Frames, Key = built.Key, Reused = built.Reused };
        }
        catch (DirectoryNotFoundException e)
        {
            throw new TileOperationException("InputNotFound", ErrorCategory.ObjectNotFound, e.Message, e);
        }
        catch (InvalidDataException e)
        {
            throw new TileOperationException("CalibrationFramesInvalid", ErrorCategory.InvalidData, e.Message, e);
        }
        catch (FitsFormatException e)
        {
            throw new TileOperationException("FitsFormat", ErrorCategory.InvalidData, e.Message, e);
        }
    }
}
